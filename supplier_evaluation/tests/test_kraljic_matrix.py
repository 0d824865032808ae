from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import monthly_card


@tagged("post_install", "-at_install")
class TestKraljicMatrix(HttpCase):
    """The Kraljic matrix is drawn as a 2x2 on a desktop.

    Profit impact up (leverage and strategic on top), supply risk across (leverage
    and routine on the left), with the axes captioned; a scorecard without a class
    goes under the grid.
    """

    def test_quadrants_in_a_two_by_two(self):
        company = self.env.company
        company.supplier_period_type = "month"
        Card = self.env["supplier.scorecard"]
        # The company's latest period, so that the matrix's default filter shows them.
        start = Card._latest_period_start(company) or fields.Date.context_today(
            self.env.user
        ).replace(day=1)
        for kraljic_class, total in (
            ("strategic", 90.0),
            ("leverage", 75.0),
            ("bottleneck", 60.0),
            ("routine", 80.0),
            (False, 50.0),
        ):
            partner = self.env["res.partner"].create(
                {
                    "name": f"Matrix {(kraljic_class or 'unclassified').title()}",
                    "is_company": True,
                }
            )
            monthly_card(self.env, company, partner, start, total, kraljic_class)
        self.start_tour(
            "/odoo/action-supplier_evaluation.supplier_scorecard_action_kraljic",
            "supplier_evaluation_kraljic_matrix_tour",
            login="admin",
        )
