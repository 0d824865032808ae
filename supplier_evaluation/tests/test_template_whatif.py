from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import MARCH, SupplierEvaluationCase

# Routine template: price 35, on_time 35, quality 15, in_full 5, service 10. The
# change weighs punctuality instead of price and tightens its bounds.
CHANGE = {
    "price": (5.0, 115.0, 90.0),
    "on_time": (65.0, 80.0, 100.0),
}
WRITES = ("INSERT", "UPDATE", "DELETE", "ALTER", "CREATE", "TRUNCATE")


@tagged("post_install", "-at_install")
class TestTemplateWhatif(SupplierEvaluationCase):
    """Four vendors of one product in March, each through a confirmed order and its
    receipt: cheap and late, dear and on time, and two in between, rated."""

    OWN_COMPANY = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.product = cls.env["product.product"].create(
            {"name": "Gasket", "type": "consu", "is_storable": True}
        )
        # (price, quantity received on time out of 10, rating of service)
        plans = [(8.0, 3, "2"), (12.0, 10, "5"), (10.0, 8, "4"), (9.0, 6, "3")]
        cls.vendors = cls.env["res.partner"].create(
            [{"name": f"Whatif vendor {i}", "is_company": True} for i in range(4)]
        )
        for vendor, (price, on_time, rating) in zip(cls.vendors, plans, strict=True):
            with freeze_time("2026-03-02 09:00:00"):
                order = cls.env["purchase.order"].create(
                    {
                        "partner_id": vendor.id,
                        "company_id": cls.company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": cls.product.id,
                                    "product_qty": 10,
                                    "price_unit": price,
                                    "date_planned": "2026-03-10 12:00:00",
                                }
                            )
                        ],
                    }
                )
                order.button_confirm()
            cls._receive_at(order, on_time, "2026-03-09 09:00:00")
            if on_time < 10:
                cls._receive_at(order, 10 - on_time, "2026-03-20 09:00:00")
            cls.env["supplier.rating"].create(
                {
                    "partner_id": vendor.id,
                    "company_id": cls.company.id,
                    "date": "2026-03-15",
                    "service": rating,
                }
            )
        cls.template = cls.env["supplier.evaluation.template"].search(
            [("company_id", "=", cls.company.id), ("kraljic_class", "=", "routine")]
        )

    @classmethod
    def _receive_at(cls, order, quantity, when):
        with freeze_time(when):
            picking = order.picking_ids.filtered(
                lambda p: p.state not in ("done", "cancel")
            )
            picking.move_ids.quantity = quantity
            picking.move_ids.picked = True
            action = picking.button_validate()
            if action is not True:  # partial: the backorder wizard, "Create backorder"
                Form.from_action(cls.env, action).save().process()

    def _proposal(self):
        proposal = {
            line.criterion: (line.weight, line.poor_value, line.excellent_value)
            for line in self.template.line_ids
        }
        proposal.update(CHANGE)
        return proposal

    def _writes_during(self, function):
        """Run ``function`` and return the statements it sent that write."""
        self.env.flush_all()
        cr = self.env.cr
        sent = []
        execute = cr.execute

        def spy(query, *args, **kwargs):
            sent.append(str(getattr(query, "code", query)))
            return execute(query, *args, **kwargs)

        with patch.object(cr, "execute", spy):
            result = function()
            self.env.flush_all()
        return result, [q for q in sent if q.lstrip().upper().startswith(WRITES)]

    def test_preview_equals_the_evaluation_with_the_change_and_writes_nothing(self):
        self._evaluate()
        cards = self.env["supplier.scorecard"].search(
            [("company_id", "=", self.company.id), ("date_from", "=", MARCH[0])]
        )
        self.assertEqual(len(cards), 4)
        self.assertEqual(set(cards.template_id.ids), set(self.template.ids))
        before = {c.partner_id.id: (c.total_score, c.grade) for c in cards}
        self.env.cr.execute("SELECT count(*), max(write_date) FROM supplier_scorecard")
        stored = self.env.cr.fetchone()

        preview, writes = self._writes_during(
            lambda: self.template._what_if(self._proposal(), 6, 85.0, 70.0)
        )
        self.assertEqual(writes, [])
        self.env.cr.execute("SELECT count(*), max(write_date) FROM supplier_scorecard")
        self.assertEqual(self.env.cr.fetchone(), stored)
        self.assertEqual(preview["periods"], [MARCH[0]])
        self.assertEqual(len(preview["card"]), 4)
        # The old figures are the stored ones.
        for i, partner in enumerate(preview["partner"].tolist()):
            self.assertAlmostEqual(preview["old_total"][i], before[partner][0])
            self.assertEqual(preview["old_grade"][i], before[partner][1])
        # The change reorders the vendors: the dear punctual one climbs.
        self.assertTrue(preview["rank_change"].any())
        punctual = preview["partner"].tolist().index(self.vendors[1].id)
        self.assertEqual(preview["new_rank"][punctual], 1)
        self.assertGreater(preview["grade_change_count"], 0)
        self.assertEqual(
            preview["grade_change_count"],
            int((preview["old_grade"] != preview["new_grade"]).sum()),
        )

        # The actual evaluation with the change gives the preview's figures.
        old = self.template
        published = cards[0]
        published.action_publish()
        new = old._apply_version(
            [
                {
                    "criterion": c,
                    "weight": w,
                    "poor_value": p,
                    "excellent_value": e,
                }
                for c, (w, p, e) in self._proposal().items()
            ]
        )
        self.assertFalse(old.active)
        self.assertEqual((new.version, new.previous_version_id), (2, old))
        self.assertIn("version 2", new.display_name)
        # The scorecards already made keep the version they were scored with.
        self.assertEqual(cards.template_id, old)
        self.assertIn("version 1", published.template_id.display_name)
        # A re-evaluation keeps a card's version: start the period afresh.
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM supplier_scorecard WHERE id = ANY(%s)", [cards.ids]
        )
        self.env["supplier.scorecard"].invalidate_model()
        self._evaluate()
        again = self.env["supplier.scorecard"].search(
            [("company_id", "=", self.company.id), ("date_from", "=", MARCH[0])]
        )
        self.assertEqual(again.template_id, new)
        evaluated = {c.partner_id.id: (c.total_score, c.grade) for c in again}
        for i, partner in enumerate(preview["partner"].tolist()):
            self.assertAlmostEqual(preview["new_total"][i], evaluated[partner][0])
            self.assertEqual(preview["new_grade"][i], evaluated[partner][1])

    def test_wizard_previews_without_saving(self):
        self._evaluate()
        Wizard = self.env["supplier.template.whatif"].with_user(self.purchase_manager)
        count = Wizard.search_count([])

        def preview():
            form = Form(Wizard.with_context(default_template_id=self.template.id))
            for i in range(len(form.line_ids)):
                with form.line_ids.edit(i) as line:
                    if line.criterion in CHANGE:
                        line.weight, line.poor_value, line.excellent_value = CHANGE[
                            line.criterion
                        ]
            return form

        form, writes = self._writes_during(preview)
        self.assertEqual(writes, [])
        self.assertEqual(Wizard.search_count([]), count)
        self.assertEqual(form.card_count, 4)
        expected = self.template._what_if(self._proposal(), 6, 85.0, 70.0)
        self.assertEqual(form.grade_change_count, expected["grade_change_count"])
        self.assertIn("<svg", str(form.preview_html))
        # Applying makes the new version.
        action = form.save().action_apply()
        new = self.env["supplier.evaluation.template"].browse(action["res_id"])
        self.assertEqual(new.version, 2)
        self.assertEqual(
            {line.criterion: line.weight for line in new.line_ids}["on_time"], 65.0
        )

    def test_bad_change_and_other_company(self):
        proposal = self._proposal()
        proposal["price"] = (10.0, 115.0, 90.0)
        with self.assertRaisesRegex(UserError, "add up to 100"):
            self.template._what_if(proposal, 6, 85.0, 70.0)
        with self.assertRaisesRegex(UserError, "grade bands"):
            self.template._what_if(self._proposal(), 6, 60.0, 70.0)
        with self.assertRaises(AccessError):
            self.template.with_user(self.other_manager)._what_if(
                self._proposal(), 6, 85.0, 70.0
            )
        with self.assertRaises(AccessError):
            self.template.with_user(self.buyer).env["supplier.template.whatif"].create(
                {"template_id": self.template.id}
            )

    def test_apply_changes_the_company_bands_only_for_a_settings_administrator(self):
        Wizard = self.env["supplier.template.whatif"].with_context(
            default_template_id=self.template.id
        )
        values = {"grade_a_min": 90.0}
        wizard = Wizard.with_user(self.purchase_manager).create(values)
        with self.assertRaisesRegex(UserError, "grade bands are the company's"):
            wizard.action_apply()
        self.assertTrue(self.template.active)
        wizard = Wizard.create(values)
        self.assertEqual(len(wizard.line_ids), len(self.template.line_ids))
        wizard.action_apply()
        self.assertEqual(self.company.supplier_grade_a_min, 90.0)
        self.assertFalse(self.template.active)
