from odoo import api, fields, models

from ..lib.vocabulary import TIER_SELECTION as TIERS

# A customer's figures are for sales: its salesperson (record rules of customer.profile)
# and managers.
FIGURES_GROUP = "customer_segmentation.customer_segmentation_group_user"
# partner field -> profile field
PROFILE_FIGURES = {
    "customer_tier": "tier",
    "customer_segment_id": "segment_id",
    "customer_tier_reason": "tier_reason",
    "customer_r_score": "r_score",
    "customer_f_score": "f_score",
    "customer_m_score": "m_score",
    "customer_rfm_code": "rfm_code",
    "customer_currency_id": "currency_id",
    "customer_revenue": "monetary",
    "customer_margin": "margin",
    "customer_margin_known": "margin_known",
    "customer_order_count": "frequency",
    "customer_recency_days": "recency_days",
    "customer_average_order_value": "average_order_value",
    "customer_payment_days": "payment_days",
    "customer_probability_alive": "probability_alive",
    "customer_lifetime_value": "lifetime_value",
    "customer_lifetime_value_reason": "lifetime_value_reason",
    "customer_cluster_description": "cluster_description",
    "customer_crosssell_ids": "crosssell_ids",
    "customer_late_share": "late_share",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_profile_ids = fields.One2many(
        "customer.profile",
        "partner_id",
        "Segmentation profiles",
        readonly=True,
        groups=FIGURES_GROUP,
    )
    customer_snapshot_ids = fields.One2many(
        "customer.segment.snapshot", "partner_id", readonly=True, groups=FIGURES_GROUP
    )
    customer_profile_id = fields.Many2one(
        "customer.profile",
        "Segmentation profile",
        groups=FIGURES_GROUP,
        compute="_compute_customer_figures",
        search="_search_customer_profile_id",
    )
    customer_tier = fields.Selection(
        TIERS,
        "Tier",
        compute="_compute_customer_figures",
        search="_search_customer_tier",
        groups=FIGURES_GROUP,
    )
    customer_segment_id = fields.Many2one(
        "customer.segment",
        "Segment",
        compute="_compute_customer_figures",
        search="_search_customer_segment_id",
        groups=FIGURES_GROUP,
    )
    customer_tier_reason = fields.Char(
        "Tier reason", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_r_score = fields.Integer(
        "R", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_f_score = fields.Integer(
        "F", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_m_score = fields.Integer(
        "M", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_currency_id = fields.Many2one(
        "res.currency",
        "Profile currency",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_revenue = fields.Monetary(
        "Revenue (window)",
        currency_field="customer_currency_id",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_margin = fields.Monetary(
        "Margin (window)",
        currency_field="customer_currency_id",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_margin_known = fields.Boolean(
        compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_order_count = fields.Integer(
        "Orders (window)", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_recency_days = fields.Integer(
        "Days since last order",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_average_order_value = fields.Monetary(
        "Average order value",
        currency_field="customer_currency_id",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_payment_days = fields.Float(
        "Days to pay vs due", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_probability_alive = fields.Float(
        "Probability still active (%)",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_lifetime_value = fields.Monetary(
        "Lifetime value",
        currency_field="customer_currency_id",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_cluster_description = fields.Char(
        "Cluster", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_rfm_code = fields.Char(
        "RFM", compute="_compute_customer_figures", groups=FIGURES_GROUP
    )
    customer_lifetime_value_reason = fields.Char(
        "Why this lifetime value",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_crosssell_ids = fields.Many2many(
        "customer.crosssell.rule",
        string="Suggestions",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )
    customer_late_share = fields.Float(
        "Invoices paid late (%)",
        compute="_compute_customer_figures",
        groups=FIGURES_GROUP,
    )

    @api.depends(
        *(
            f"commercial_partner_id.customer_profile_ids.{name}"
            for name in PROFILE_FIGURES.values()
        )
    )
    @api.depends_context("company", "uid")
    def _compute_customer_figures(self):
        # Read with the user's rights (not as superuser, as related fields would): the
        # profile's record rules decide whose figures a salesperson sees.
        Profile = self.env["customer.profile"]
        profiles = (
            Profile.search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                ]
            )
            if Profile.has_access("read")
            else Profile
        )
        by_partner = {profile.partner_id.id: profile for profile in profiles}
        for partner in self:
            profile = by_partner.get(partner.commercial_partner_id.id, Profile)
            partner.update(
                {
                    "customer_profile_id": profile,
                    **{
                        partner_field: profile[profile_field]
                        for partner_field, profile_field in PROFILE_FIGURES.items()
                    },
                }
            )

    def _search_customer_profile_id(self, operator, value):
        return [("commercial_partner_id.customer_profile_ids", operator, value)]

    def _search_customer_tier(self, operator, value):
        return self._search_through_profile("tier", operator, value)

    def _search_customer_segment_id(self, operator, value):
        return self._search_through_profile("segment_id", operator, value)

    def _search_through_profile(self, field_name, operator, value):
        """Customers (and their contacts) whose profile in the current company
        matches."""
        profiles = self.env["customer.profile"]._search(
            [("company_id", "=", self.env.company.id), (field_name, operator, value)]
        )
        return [("commercial_partner_id.customer_profile_ids", "in", profiles)]
