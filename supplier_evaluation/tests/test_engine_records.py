import datetime
from unittest.mock import patch

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestEngineRecords(SupplierEvaluationCase):
    """Scorecards come from the evaluation only: no blank "New" or "Duplicate"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Scored Vendor", "is_company": True}
        )

    def test_managers_cannot_create_or_duplicate_scorecards(self):
        Card = self.env["supplier.scorecard"].with_user(self.purchase_manager)
        with self.assertRaises(AccessError):
            Card.create(
                {
                    "partner_id": self.vendor.id,
                    "company_id": self.company.id,
                    "period_type": "month",
                    "date_from": "2026-01-01",
                    "date_to": "2026-01-31",
                }
            )
        card = self.env["supplier.scorecard"].create(
            {
                "partner_id": self.vendor.id,
                "company_id": self.company.id,
                "period_type": "month",
                "date_from": "2026-02-01",
                "date_to": "2026-02-28",
                "has_data": True,
                "total_score": 70.0,
            }
        )
        with self.assertRaises(AccessError):
            card.with_user(self.purchase_manager).copy()
        # The evaluation itself still writes them, run by a manager.
        product = self.env["product.product"].create({"name": "Bolt", "type": "consu"})
        order = self.env["purchase.order"].create(
            {
                "partner_id": self.vendor.id,
                "date_order": "2026-03-10 09:00:00",
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": 5,
                            "price_unit": 2,
                            "date_planned": "2026-03-15 09:00:00",
                        }
                    )
                ],
            }
        )
        order.button_confirm()
        cards = (
            self.env["supplier.scorecard"]
            .with_user(self.purchase_manager)
            ._evaluate(
                self.company,
                datetime.date(2026, 3, 1),
                datetime.date(2026, 3, 31),
                partners=self.vendor,
            )
        )
        self.assertEqual(cards.partner_id, self.vendor)

    def test_scorecard_views_offer_no_new_button(self):
        Card = self.env["supplier.scorecard"].with_user(self.purchase_manager)
        views = Card.get_views([(False, "list"), (False, "form")])["views"]
        for view_type in ("list", "form"):
            root = etree.fromstring(views[view_type]["arch"])
            self.assertIn(root.get("create"), ("0", "false", "False"), view_type)
        self.assertIn(
            etree.fromstring(views["form"]["arch"]).get("duplicate"),
            ("0", "false", "False"),
        )

    def test_engine_filled_lists_say_what_fills_them(self):
        for xmlid, words in [
            ("supplier_evaluation.supplier_alert_action", "alert rule"),
            ("supplier_evaluation.supplier_corrective_action_action", "alert rules"),
            ("supplier_evaluation.supplier_scorecard_action", "every month"),
            ("supplier_evaluation.supplier_scorecard_action_ranking", "every month"),
        ]:
            action = self.env.ref(xmlid)
            self.assertIn(words, " ".join((action.help or "").split()), xmlid)


@tagged("post_install", "-at_install")
class TestScorecardWithoutPdfEngine(SupplierEvaluationCase):
    """Without wkhtmltopdf a scorecard still goes out by e-mail, with its link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Mailed Vendor", "is_company": True, "email": "vendor@example.com"}
        )
        cls.card = cls.env["supplier.scorecard"].create(
            {
                "partner_id": cls.vendor.id,
                "company_id": cls.company.id,
                "period_type": "month",
                "date_from": "2026-05-01",
                "date_to": "2026-05-31",
                "has_data": True,
                "total_score": 81.0,
            }
        )
        cls.card.action_publish()

    def _composer(self, state):
        with patch.object(
            type(self.env["ir.actions.report"]),
            "get_wkhtmltopdf_state",
            lambda self: state,
        ):
            action = self.card.with_user(self.buyer).action_send_scorecard()
            composer = (
                self.env["mail.compose.message"]
                .with_user(self.buyer)
                .with_context(**action["context"])
                .create({})
            )
            settings = self.env["res.config.settings"].create({})
            return composer, settings.supplier_pdf_engine_missing

    def test_no_pdf_engine_sends_the_portal_link(self):
        composer, missing = self._composer("install")
        self.assertTrue(missing, "Settings say the PDF engine is missing")
        self.assertFalse(composer.attachment_ids)
        self.assertIn(self.card.get_portal_url(), composer.body)
        self.assertIn("Here is the scorecard", composer.body)
        self.assertNotIn("attach", composer.body)
        self.assertIn("your supplier scorecard for May 2026", composer.subject)
        composer._action_send_mail()
        message = self.card.message_ids.filtered(lambda m: m.message_type == "comment")[
            :1
        ]
        self.assertIn(self.card.access_token, message.body)
        self.assertIn(self.vendor, message.partner_ids)

    def test_with_pdf_engine_the_template_attaches_the_pdf(self):
        composer, missing = self._composer("ok")
        self.assertFalse(missing)
        self.assertEqual(
            composer.template_id,
            self.env.ref("supplier_evaluation.mail_template_supplier_scorecard"),
        )
        self.assertEqual(len(composer.attachment_ids), 1)
        self.assertIn("Please find attached", composer.body)
