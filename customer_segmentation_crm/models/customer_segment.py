from odoo import fields, models


class CustomerSegment(models.Model):
    _inherit = "customer.segment"

    winback_opportunity = fields.Boolean(
        "Win-back opportunity",
        help="A watched customer arriving in this alert segment also gets an "
        "opportunity for its salesperson, with the revenue at risk as expected "
        "revenue.",
    )
