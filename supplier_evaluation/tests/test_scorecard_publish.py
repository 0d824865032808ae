from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestScorecardPublish(SupplierEvaluationCase):
    """Publishing: the supplier's buyer follows, no-data cards stay internal, the
    form tells "no data" and "not weighed" from a 0."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Vendor P", "is_company": True, "email": "p@example.com"}
        )
        cls.vendor.with_company(cls.company).buyer_id = cls.buyer
        cls.other_vendor = cls.env["res.partner"].create(
            {"name": "Vendor Q", "is_company": True, "email": "q@example.com"}
        )
        cls.template = cls.env["supplier.evaluation.template"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.manager = cls.purchase_manager.with_user(cls.purchase_manager)

    def _new_card(self, partner, month, **values):
        return self.env["supplier.scorecard"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company.id,
                "period_type": "month",
                "date_from": f"2026-{month:02d}-01",
                "date_to": f"2026-{month:02d}-28",
                "template_id": self.template.id,
                "has_data": True,
                "total_score": 60.0,
                **values,
            }
        )

    # ------------------------------------------------------------------ followers
    def test_publishing_makes_the_buyer_follow_and_hear_the_supplier(self):
        card = self._new_card(self.vendor, 3)
        self.assertNotIn(self.buyer.partner_id, card.message_partner_ids)
        card.with_user(self.purchase_manager).action_publish()
        self.assertIn(self.buyer.partner_id, card.message_partner_ids)
        # The portal chatter posts as superuser with the supplier as author: the
        # message notifies the followers, the buyer among them.
        message = card.sudo().message_post(
            body="We disagree with the quality figure.",
            author_id=self.vendor.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn(self.buyer.partner_id, message.notified_partner_ids)

    def test_without_a_buyer_the_last_order_buyer_follows(self):
        # No buyer on the partner, no order: a purchase administrator of the company,
        # as the alert's rule says.
        card = self._new_card(self.other_vendor, 3)
        card.with_user(self.purchase_manager).action_publish()
        expected = (
            self.env["supplier.alert"]
            .new({"partner_id": self.other_vendor.id, "company_id": self.company.id})
            ._responsible_buyer()
        )
        self.assertTrue(expected)
        self.assertIn(expected.partner_id, card.message_partner_ids)

    def test_bulk_publish_subscribes_each_card_buyer(self):
        cards = self._new_card(self.vendor, 4) | self._new_card(self.vendor, 5)
        action = self.env.ref(
            "supplier_evaluation.supplier_scorecard_action_server_publish"
        )
        action.with_user(self.purchase_manager).with_context(
            active_model="supplier.scorecard", active_ids=cards.ids
        ).run()
        self.assertEqual(set(cards.mapped("state")), {"published"})
        for card in cards:
            self.assertIn(self.buyer.partner_id, card.message_partner_ids)

    # ------------------------------------------------------------------ publish & send
    def test_publish_and_send_one_card_opens_the_composer(self):
        card = self._new_card(self.vendor, 6)
        action = card.with_user(self.purchase_manager).action_publish_send()
        self.assertTrue(card.is_published)
        self.assertEqual(action["res_model"], "mail.compose.message")
        self.assertEqual(action["context"]["default_res_ids"], card.ids)
        self.assertEqual(action["context"]["default_composition_mode"], "comment")

    def test_bulk_publish_and_send_mass_mails_the_suppliers(self):
        cards = self._new_card(self.vendor, 7) | self._new_card(self.other_vendor, 7)
        server_action = self.env.ref(
            "supplier_evaluation.supplier_scorecard_action_server_publish_send"
        )
        action = (
            server_action.with_user(self.purchase_manager)
            .with_context(active_model="supplier.scorecard", active_ids=cards.ids)
            .run()
        )
        self.assertTrue(all(cards.mapped("is_published")))
        ctx = action["context"]
        self.assertEqual(ctx["default_composition_mode"], "mass_mail")
        self.assertEqual(ctx["default_res_ids"], cards.ids)
        if not cards._pdf_engine_available():
            return
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.purchase_manager)
            .with_context(**ctx)
            .create({"auto_delete": False})  # keep the mails to read them
        )
        composer._action_send_mail()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "supplier.scorecard"), ("res_id", "in", cards.ids)])
        )
        recipients = {
            (mail.res_id, partner) for mail in mails for partner in mail.recipient_ids
        }
        self.assertEqual(
            recipients,
            {(cards[0].id, self.vendor), (cards[1].id, self.other_vendor)},
        )
        self.assertTrue(all(mail.attachment_ids for mail in mails), "the PDF")

    # ------------------------------------------------------------------ no data
    def test_a_card_without_data_is_never_published(self):
        card = self._new_card(self.vendor, 8, has_data=False, total_score=None)
        with self.assertRaises(UserError):
            card.with_user(self.purchase_manager).action_publish()
        with self.assertRaises(UserError):
            card.write({"state": "published"})
        with self.assertRaises(UserError):
            card.write({"is_published": True})
        with self.assertRaises(UserError):
            card.with_user(self.purchase_manager).action_publish_send()
        self.assertEqual(card.state, "draft")
        self.assertFalse(card.is_published)
        with self.assertRaises(UserError):
            self._new_card(self.vendor, 10, has_data=False, is_published=True)
        # Locking keeps it internal.
        card.with_user(self.purchase_manager).action_lock()
        self.assertEqual((card.state, card.is_published), ("locked", False))

    def test_the_form_tells_no_data_and_not_weighed_from_zero(self):
        card = self._new_card(
            self.vendor,
            9,
            on_time_rate=0.0,
            score_on_time=0.0,  # a real 0: nothing on time
            # Rated, but the template does not weigh it: the engine leaves the score
            # NULL.
            communication_rating=4.0,
        )
        self.assertEqual(card.status_on_time, "scored")
        self.assertEqual(card.status_quality, "no_data")
        self.assertEqual(card.score_quality, 0.0, "the ORM reads NULL as 0")
        self.assertEqual(card.status_communication, "not_weighed")
        # The form shows a score only when scored, "no data" / "not weighed" instead.
        arch = self.env["supplier.scorecard"].get_view(view_type="form")["arch"]
        self.assertIn("status_quality != 'scored'", arch)
        self.assertIn("no data", arch)
        self.assertIn("not weighed", arch)
