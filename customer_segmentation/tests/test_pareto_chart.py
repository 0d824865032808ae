from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestParetoChart(HttpCase):
    """The Pareto chart in the browser: both axes carry their titles (Odoo's graph
    draws them untitled)."""

    def test_pareto_axes_are_titled(self):
        company = self.env.company
        product = self.env["product.product"].create(
            {"name": "Pareto widget", "type": "service", "list_price": 1}
        )
        for name, amount in (("Big", 900), ("Middle", 90), ("Small", 10)):
            partner = self.env["res.partner"].create(
                {"name": f"Pareto {name}", "is_company": True}
            )
            order = self.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
        self.env["customer.segmentation.run"]._run_company(company)
        self.assertTrue(
            self.env["customer.pareto.report"].search_count(
                [("company_id", "=", company.id)]
            )
        )
        self.start_tour(
            "/odoo/action-customer_segmentation.customer_pareto_report_action",
            "customer_segmentation_pareto_axes_tour",
            login="admin",
        )
