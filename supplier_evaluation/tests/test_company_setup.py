import datetime

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import MARCH, SupplierEvaluationCase

CLASSES = ("strategic", "leverage", "bottleneck", "routine")
SCORECARD_LOGGER = "odoo.addons.supplier_evaluation.models.supplier_scorecard"


@tagged("post_install", "-at_install")
class TestCompanySetup(SupplierEvaluationCase):
    """A company created after the module's installation is evaluated, and controls
    its purchases, as the main company is out of the box."""

    @staticmethod
    def _criteria(template):
        return sorted(
            (line.criterion, line.weight, line.poor_value, line.excellent_value)
            for line in template.line_ids
        )

    def _of(self, model, company):
        return self.env[model].search([("company_id", "=", company.id)])

    def _new_company(self, name):
        company = self.env["res.company"].create({"name": name})
        self.env.user.company_ids |= company
        return company

    def test_a_new_company_gets_the_shipped_templates_rules_and_policies(self):
        company = self._new_company("Created Later Co")
        templates = self._of("supplier.evaluation.template", company)
        self.assertEqual(sorted(templates.mapped("kraljic_class")), sorted(CLASSES))
        for template in templates:
            shipped = self.env.ref(
                f"supplier_evaluation.supplier_evaluation_template_{template.kraljic_class}"
            )
            self.assertEqual(self._criteria(template), self._criteria(shipped))
            self.assertEqual(template.total_weight, 100)
            self.assertEqual(template.version, 1)
        rules = self._of("supplier.alert.rule", company)
        self.assertEqual(
            [
                (r.figure, r.comparison, r.threshold, r.consecutive_periods)
                for r in rules
            ],
            [("on_time_rate", "<", 90, 3)],
        )
        self.assertEqual(
            {
                (p.condition, p.action)
                for p in self._of("supplier.purchase.policy", company)
            },
            {("state_blocked", "block"), ("grade_C", "warn")},
        )

    def _bought_in_march(self, company, vendor_name):
        """A vendor of ``company`` (a warehouse of its own) whose March order came on
        time, received through the receipt."""
        self.env["stock.warehouse"].create(
            {
                "name": f"{company.name} warehouse",
                "code": company.name[:3].upper(),
                "company_id": company.id,
            }
        )
        vendor = self.env["res.partner"].create(
            {"name": vendor_name, "is_company": True}
        )
        product = self.env["product.product"].create(
            {"name": f"{vendor_name} bolt", "type": "consu", "is_storable": True}
        )
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        with freeze_time("2026-03-10 10:00:00"):
            order = (
                env["purchase.order"]
                .with_company(company)
                .create(
                    {
                        "partner_id": vendor.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_qty": 4,
                                    "price_unit": 2.5,
                                    "date_planned": datetime.datetime(2026, 3, 20, 9),
                                }
                            )
                        ],
                    }
                )
            )
            order.button_confirm()
        with freeze_time("2026-03-18 10:00:00"):
            picking = order.picking_ids
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.button_validate()
        return vendor

    def _march_cards(self, vendor):
        return self.env["supplier.scorecard"].search(
            [("partner_id", "=", vendor.id), ("date_from", "=", MARCH[0])]
        )

    def test_a_supplier_of_a_new_company_is_scored_with_its_own_templates(self):
        company = self._new_company("Buying Co")
        vendor = self._bought_in_march(company, "Bolts Ltd")
        cards = self.env["supplier.scorecard"]._evaluate(company, *MARCH)
        self.assertEqual(cards, self._march_cards(vendor))
        self.assertEqual(cards.template_id.company_id, company)
        self.assertEqual(cards.on_time_rate, 100)
        self.assertTrue(cards.has_data)

    def test_the_set_up_adds_only_what_a_company_lacks(self):
        company = self._new_company("Own Rules Co")
        self._of("supplier.alert.rule", company).unlink()
        own_rule = self.env["supplier.alert.rule"].create(
            {
                "name": "Quality below 95 %",
                "company_id": company.id,
                "figure": "quality_rate",
                "comparison": "<",
                "threshold": 95,
            }
        )
        routine = self._of("supplier.evaluation.template", company).filtered(
            lambda t: t.kraljic_class == "routine"
        )
        routine.active = False
        company._supplier_evaluation_setup()
        company._supplier_evaluation_setup()
        templates = self._of("supplier.evaluation.template", company)
        self.assertEqual(sorted(templates.mapped("kraljic_class")), sorted(CLASSES))
        self.assertNotIn(routine, templates, "an archived template is not revived")
        self.assertEqual(self._of("supplier.alert.rule", company), own_rule)
        self.assertEqual(len(self._of("supplier.purchase.policy", company)), 2)

    def test_the_monthly_run_keeps_the_others_when_one_company_fails(self):
        good = self._new_company("Good Co")
        broken = self._new_company("Broken Co")
        good_vendor = self._bought_in_march(good, "Good Bolts")
        broken_vendor = self._bought_in_march(broken, "Broken Bolts")
        # Broken Co's supplier has no template to be scored with: its evaluation
        # stops with the UserError that says so.
        self._of("supplier.evaluation.template", broken).active = False
        with (
            freeze_time("2026-04-03 02:00:00"),
            self.assertLogs(SCORECARD_LOGGER, "ERROR") as logged,
        ):
            self.env["supplier.scorecard"]._cron_evaluate()
        self.assertEqual(len(logged.output), 1)
        self.assertIn("Broken Co", logged.output[0])
        self.assertIn("no evaluation template", logged.output[0])
        self.assertFalse(self._march_cards(broken_vendor))
        card = self._march_cards(good_vendor)
        self.assertEqual(card.company_id, good)
        self.assertEqual(card.on_time_rate, 100)
