import datetime
import json
import re

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import portal_user

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestScorecardDispute(HttpCase):
    """March 2026, company in UTC. Alpha: Bolt 10 promised 03-10, received 03-08; Nut
    10 promised 03-10, received 03-20 (late): on time 10 / 20 = 50 %, in full 1 of 2
    lines. Beta: Bolt 5 promised 03-10, received 03-09. Each has a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.partner_id.tz = "UTC"
        cls.alpha, cls.beta = cls.env["res.partner"].create(
            [
                {"name": "Alpha Dispute", "is_company": True},
                {"name": "Beta Dispute", "is_company": True},
            ]
        )
        cls.user_a = cls._portal_user("dispute_a", cls.alpha)
        cls.user_b = cls._portal_user("dispute_b", cls.beta)
        cls.buyer = new_test_user(
            cls.env,
            login="dispute_buyer",
            groups="purchase.group_purchase_user",
            email="dispute_buyer@example.com",
        )
        cls.bolt, cls.nut = cls.env["product.product"].create(
            [
                {"name": "Dispute Bolt", "type": "consu", "is_storable": True},
                {"name": "Dispute Nut", "type": "consu", "is_storable": True},
            ]
        )
        with freeze_time("2026-03-01 09:00:00"):
            cls.po_a = cls._order(cls.alpha, [(cls.bolt, 10), (cls.nut, 10)])
            cls.po_b = cls._order(cls.beta, [(cls.bolt, 5)])
        cls._receive(cls.po_a, {cls.bolt: 10}, "2026-03-08 09:00:00")
        cls._receive(cls.po_a, {cls.nut: 10}, "2026-03-20 09:00:00")
        cls._receive(cls.po_b, {cls.bolt: 5}, "2026-03-09 09:00:00")
        cls.late_line = cls.po_a.order_line.filtered(
            lambda line: line.product_id == cls.nut
        )
        cls.line_b = cls.po_b.order_line
        Scorecard = cls.env["supplier.scorecard"]
        Scorecard._evaluate(cls.company, *MARCH, partners=cls.alpha | cls.beta)
        cls.card_a, cls.card_b = (
            Scorecard.search([("partner_id", "=", p.id), ("date_from", "=", MARCH[0])])
            for p in (cls.alpha, cls.beta)
        )
        (cls.card_a | cls.card_b).action_publish()

    @classmethod
    def _portal_user(cls, login, company_partner):
        return portal_user(cls.env, login, company_partner)

    @classmethod
    def _order(cls, partner, lines):
        order = cls.env["purchase.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": qty,
                            "price_unit": 10.0,
                            "date_planned": "2026-03-10 12:00:00",
                        }
                    )
                    for product, qty in lines
                ],
            }
        )
        order.button_confirm()
        return order

    @classmethod
    def _receive(cls, order, quantities, when):
        with freeze_time(when):
            picking = order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            for move in picking.move_ids:
                move.quantity = quantities.get(move.product_id, 0)
                move.picked = True
            action = picking.button_validate()
            if action is not True:
                Form.from_action(cls.env, action).save().process()

    def _dispute(self, card, line, criterion="on_time", reason="date_changed"):
        page = self.url_open(f"/my/scorecards/{card.id}").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        return self.url_open(
            f"/my/scorecards/{card.id}/dispute",
            data={
                "csrf_token": token.group(1) if token else "",
                "line_id": line.id,
                "criterion": criterion,
                "reason": reason,
                "description": "The buyer moved the date to 03-20 by phone.",
            },
            files={"evidence": ("mail.pdf", PDF, "application/pdf")},
        )

    def _rpc(self, model, method, *args, **kwargs):
        return self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": list(args),
                        "kwargs": kwargs,
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()

    def test_supplier_disputes_a_late_line_the_buyer_accepts(self):
        self.assertAlmostEqual(self.card_a.on_time_rate, 50.0)
        self.assertAlmostEqual(self.card_a.in_full_rate, 50.0)
        old_total = self.card_a.total_score
        self.authenticate("dispute_a", "dispute_a")
        page = self.url_open(f"/my/scorecards/{self.card_a.id}").text
        # The lines behind the card: order, product, promised day, quantities.
        self.assertIn(f'data-line-id="{self.late_line.id}"', page)
        self.assertIn("Dispute Nut", page)
        self.assertIn(self.po_a.name, page)
        self.assertNotIn(self.po_b.name, page)

        response = self._dispute(self.card_a, self.late_line)
        self.assertEqual(response.status_code, 200)
        dispute = self.env["supplier.scorecard.dispute"].search(
            [("scorecard_id", "=", self.card_a.id)]
        )
        self.assertEqual(len(dispute), 1)
        self.assertEqual(
            (dispute.purchase_line_id, dispute.criterion, dispute.state),
            (self.late_line, "on_time", "open"),
        )
        self.assertEqual(dispute.attachment_ids.mapped("name"), ["mail.pdf"])
        self.assertIn("1 open dispute(s)", self.url_open("/my/scorecards").text)
        self.assertIn("Line disputed", self.card_a.message_ids[0].body)
        self.assertEqual(self.card_a.message_ids[0].author_id, self.user_a.partner_id)

        # The buyer accepts: the published card is corrected, the old one kept.
        with freeze_time(dispute.create_date + datetime.timedelta(hours=5)):
            dispute.with_user(self.buyer).buyer_note = "Agreed: date moved."
            dispute.with_user(self.buyer).action_accept()
        self.assertEqual(dispute.state, "accepted")
        self.assertAlmostEqual(dispute.response_hours, 5.0, places=2)
        self.assertEqual(self.card_a.state, "published")
        self.assertEqual(self.card_a.revision, 2)
        self.assertAlmostEqual(self.card_a.on_time_rate, 100.0)
        # Left out of on time only: in full still counts the line.
        self.assertAlmostEqual(self.card_a.in_full_rate, 50.0)
        self.assertEqual(self.card_a.excluded_disputed, 1)
        self.assertIn("after a dispute: 1", self.card_a.excluded_summary)
        self.assertEqual(self.card_a.revision_ids.revision, 1)
        self.assertAlmostEqual(self.card_a.revision_ids.total_score, old_total)
        self.assertGreater(self.card_a.total_score, old_total)
        # Beta's card is untouched.
        self.assertAlmostEqual(self.card_b.on_time_rate, 100.0)
        self.assertEqual(self.card_b.revision, 1)
        page = self.url_open(f"/my/scorecards/{self.card_a.id}").text
        self.assertIn("Revision 2", page)
        self.assertIn("Agreed: date moved.", page)

    def test_refusal_needs_a_note_and_decisions_go_through_the_buttons(self):
        self.authenticate("dispute_a", "dispute_a")
        self._dispute(self.card_a, self.late_line, "in_full", "quantity_changed")
        dispute = self.env["supplier.scorecard.dispute"].search(
            [("scorecard_id", "=", self.card_a.id)]
        )
        as_buyer = dispute.with_user(self.buyer)
        with self.assertRaisesRegex(UserError, "why"):
            as_buyer.action_refuse()
        with self.assertRaises(UserError):
            as_buyer.write({"state": "accepted"})
        as_buyer.buyer_note = "Delivered late, no change agreed."
        as_buyer.action_refuse()
        self.assertEqual(dispute.state, "refused")
        self.assertEqual(self.card_a.revision, 1)
        with self.assertRaises(UserError):
            as_buyer.action_accept()

    def test_supplier_cannot_see_or_dispute_another_suppliers_lines(self):
        Dispute = self.env["supplier.scorecard.dispute"]
        self.authenticate("dispute_b", "dispute_b")
        # Alpha's card: not reachable, its lines not shown.
        page = self.url_open(f"/my/scorecards/{self.card_a.id}").text
        self.assertNotIn("Dispute Nut", page)
        self._dispute(self.card_a, self.late_line)
        # Its own card with Alpha's line id.
        response = self._dispute(self.card_b, self.late_line)
        self.assertIn("could not be saved", response.text)
        self.assertFalse(Dispute.search([]))
        # JSON-RPC: no create, no read of another's dispute, no decision.
        self.assertIn(
            "error",
            self._rpc(
                "supplier.scorecard.dispute",
                "create",
                {
                    "scorecard_id": self.card_b.id,
                    "purchase_line_id": self.line_b.id,
                    "criterion": "on_time",
                    "reason": "other",
                },
            ),
        )
        self.assertFalse(Dispute.search([]))
        alpha_dispute = Dispute.create(
            {
                "scorecard_id": self.card_a.id,
                "purchase_line_id": self.late_line.id,
                "criterion": "on_time",
                "reason": "other",
            }
        )
        found = self._rpc(
            "supplier.scorecard.dispute", "search_read", [], fields=["id"]
        )
        self.assertEqual(found.get("result"), [])
        self.assertIn(
            "error",
            self._rpc(
                "supplier.scorecard.dispute", "action_accept", [alpha_dispute.id]
            ),
        )
        self.assertEqual(alpha_dispute.state, "open")
        with self.assertRaises(AccessError):
            alpha_dispute.with_user(self.user_b).read(["reason"])
        # The model refuses a line not behind the card, whatever the entry point.
        with self.assertRaises(ValidationError):
            Dispute.create(
                {
                    "scorecard_id": self.card_b.id,
                    "purchase_line_id": self.late_line.id,
                    "criterion": "on_time",
                    "reason": "other",
                }
            )

    def test_accepted_return_dispute_leaves_the_return_out_of_quality(self):
        # 2 of the 10 bolts go back on 03-25: quality 1 - 2 / 20 = 90 %.
        picking = self.po_a.picking_ids.filtered(
            lambda p: self.bolt in p.move_ids.product_id
        )
        with freeze_time("2026-03-25 09:00:00"):
            wizard = Form(
                self.env["stock.return.picking"].with_context(
                    active_ids=picking.ids,
                    active_id=picking.id,
                    active_model="stock.picking",
                )
            ).save()
            wizard.product_return_moves.filtered(
                lambda r: r.product_id == self.bolt
            ).quantity = 2
            returned = self.env["stock.picking"].browse(
                wizard.action_create_returns()["res_id"]
            )
            returned.move_ids.quantity = 2
            returned.move_ids.picked = True
            returned.button_validate()
        self.card_a.action_reset_to_draft()
        self.env["supplier.scorecard"]._evaluate(
            self.company, *MARCH, partners=self.alpha
        )
        self.card_a.action_publish()
        self.assertAlmostEqual(self.card_a.quality_rate, 90.0)
        bolt_line = self.po_a.order_line.filtered(
            lambda line: line.product_id == self.bolt
        )
        self.assertEqual(self.card_a._dispute_lines()[bolt_line.id]["returned"], 2)
        dispute = self.env["supplier.scorecard.dispute"].create(
            {
                "scorecard_id": self.card_a.id,
                "purchase_line_id": bolt_line.id,
                "criterion": "quality",
                "reason": "return_not_at_fault",
            }
        )
        dispute.with_user(self.buyer).action_accept(note="Damaged by our forklift.")
        self.assertAlmostEqual(self.card_a.quality_rate, 100.0)
        self.assertAlmostEqual(self.card_a.on_time_rate, 50.0)
        self.assertEqual(self.card_a.revision, 2)
