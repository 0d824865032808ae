from odoo import fields, models

from ..lib.vocabulary import TIER_SELECTION as TIERS


class CustomerTierService(models.Model):
    """Defaults applied to new quotations of customers of a tier."""

    _name = "customer.tier.service"
    _description = "Service Level per Customer Tier"
    _order = "company_id, tier"
    _check_company_auto = True

    tier = fields.Selection(TIERS, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    pricelist_id = fields.Many2one("product.pricelist", check_company=True)
    payment_term_id = fields.Many2one("account.payment.term", check_company=True)
    team_id = fields.Many2one("crm.team", "Sales team", check_company=True)
    service_note = fields.Text(
        translate=True, help="Shown on quotations of customers of this tier."
    )

    _sql_constraints = [
        (
            "tier_company_uniq",
            "unique(tier, company_id)",
            "One service level per tier and company.",
        ),
    ]
