import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSpendGradeColors(HttpCase):
    """The spend-by-grade chart draws each grade in its badge's colour.

    A green, B yellow, C red.
    """

    def test_grade_colors_follow_the_badges(self):
        company = self.env.company
        first = fields.Date.context_today(self.env.user).replace(day=1)
        last = first + relativedelta(months=1) - datetime.timedelta(days=1)
        product = self.env["product.product"].create(
            {"name": "Gasket", "type": "consu"}
        )
        orders = self.env["purchase.order"]
        for name, grade in (
            ("Vendor A", "A"),
            ("Vendor B", "B"),
            ("Vendor C", "C"),
            ("Vendor new", False),
        ):
            vendor = self.env["res.partner"].create({"name": name, "is_company": True})
            if grade:
                self.env["supplier.scorecard"].create(
                    {
                        "partner_id": vendor.id,
                        "company_id": company.id,
                        "period_type": "month",
                        "date_from": first,
                        "date_to": last,
                        "has_data": True,
                        "total_score": 50.0,
                        "grade": grade,
                    }
                )
            orders |= self.env["purchase.order"].create(
                {
                    "partner_id": vendor.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": 2,
                                "price_unit": 10,
                            }
                        )
                    ],
                }
            )
        orders._confirm_despite_supplier_control(False)
        grades = (
            self.env["supplier.spend.grade.report"]
            .search([("order_id", "in", orders.ids)])
            .mapped("grade")
        )
        self.assertEqual(sorted(grades), ["A", "B", "C", "none"])
        self.start_tour(
            "/odoo/action-supplier_evaluation.supplier_spend_grade_report_action",
            "supplier_evaluation_spend_grade_colors_tour",
            login="admin",
        )
