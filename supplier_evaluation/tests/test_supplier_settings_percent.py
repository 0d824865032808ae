import datetime

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestSupplierSettingsPercent(HttpCase):
    """An administrator types 5 (percent) as the profit-impact threshold: the company
    stores 0.05, and the Kraljic suggestion counts a 6 % supplier as high impact."""

    def test_entering_five_percent(self):
        company = self.env["res.company"].create(
            {"name": "Percent Co", "supplier_impact_threshold": 0.10}
        )
        admin = new_test_user(
            self.env,
            login="se_settings_admin",
            password="se_settings_admin",
            groups="base.group_system,purchase.group_purchase_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        env = self.env(context={"allowed_company_ids": company.ids})
        product = env["product.product"].create({"name": "Gear", "type": "consu"})
        big, small = env["res.partner"].create(
            [
                {"name": "Big Gears", "is_company": True},
                {"name": "Small Gears", "is_company": True},
            ]
        )
        # Two vendors of the same product: neither is a single source.
        env["product.supplierinfo"].create(
            [
                {"partner_id": vendor.id, "product_tmpl_id": product.product_tmpl_id.id}
                for vendor in (big, small)
            ]
        )
        orders = env["purchase.order"].create(
            [
                {
                    "partner_id": vendor.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": qty,
                                "price_unit": 1,
                            }
                        )
                    ],
                }
                for vendor, qty in ((big, 94), (small, 6))
            ]
        )
        orders.button_confirm()

        def small_class():
            [suggestion] = env["res.partner"]._kraljic_suggestions(
                company, [fields.Datetime.now() + datetime.timedelta(days=1)]
            )
            return suggestion[small.id]

        # Both sell the same product (no single source), no receipt: low risk. At 10 %
        # the 6 % supplier is routine.
        self.assertEqual(small_class(), "routine")
        self.start_tour(
            "/odoo/action-supplier_evaluation.res_config_settings_action",
            "supplier_evaluation_settings_percent_tour",
            login=admin.login,
        )
        company.invalidate_recordset()
        self.assertAlmostEqual(company.supplier_impact_threshold, 0.05)
        self.assertAlmostEqual(company.supplier_risk_threshold, 0.5)
        self.assertEqual(small_class(), "leverage")


@tagged("post_install", "-at_install")
class TestSupplierSettingsView(SupplierEvaluationCase):
    def test_thresholds_in_percent_and_links(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        for field in ("supplier_impact_threshold", "supplier_risk_threshold"):
            self.assertIn(f'<field name="{field}" widget="percentage"', arch)
        for xmlid in (
            "supplier_evaluation_template_action",
            "supplier_alert_rule_action",
            "supplier_purchase_policy_action",
            "supplier_certificate_type_action",
        ):
            action = self.env.ref(f"supplier_evaluation.{xmlid}")
            self.assertIn(f'name="{action.id}" type="action"', arch)
