from odoo import fields, models


class CustomerProfile(models.Model):
    _inherit = "customer.profile"

    # Written when the customer answers an NPS campaign of the company (never by the
    # segmentation run).
    nps_score = fields.Integer(
        "Last NPS answer", readonly=True, aggregator="avg", help="0 to 10."
    )
    nps_date = fields.Date("Last NPS on", readonly=True)
