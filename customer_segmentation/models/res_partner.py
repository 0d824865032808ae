from odoo import api, fields, models

from .customer_profile import TIERS


class ResPartner(models.Model):
    _inherit = "res.partner"

    customer_profile_ids = fields.One2many("customer.profile", "partner_id", "Segmentation profiles", readonly=True)
    customer_snapshot_ids = fields.One2many("customer.segment.snapshot", "partner_id", readonly=True)
    customer_profile_id = fields.Many2one("customer.profile", "Segmentation profile",
                                          compute="_compute_customer_profile_id", search="_search_customer_profile_id")
    customer_tier = fields.Selection(TIERS, "Tier", compute="_compute_customer_profile_id",
                                     search="_search_customer_tier")
    customer_segment_id = fields.Many2one("customer.segment", "Segment", compute="_compute_customer_profile_id",
                                          search="_search_customer_segment_id")
    customer_tier_reason = fields.Char(related="customer_profile_id.tier_reason", string="Tier reason")
    customer_r_score = fields.Integer(related="customer_profile_id.r_score", string="R")
    customer_f_score = fields.Integer(related="customer_profile_id.f_score", string="F")
    customer_m_score = fields.Integer(related="customer_profile_id.m_score", string="M")
    customer_currency_id = fields.Many2one(related="customer_profile_id.currency_id", string="Profile currency")
    customer_revenue = fields.Monetary(related="customer_profile_id.monetary", currency_field="customer_currency_id",
                                       string="Revenue (window)")
    customer_margin = fields.Monetary(related="customer_profile_id.margin", currency_field="customer_currency_id",
                                      string="Margin (window)")
    customer_margin_known = fields.Boolean(related="customer_profile_id.margin_known")
    customer_order_count = fields.Integer(related="customer_profile_id.frequency", string="Orders (window)")
    customer_recency_days = fields.Integer(related="customer_profile_id.recency_days", string="Days since last order")
    customer_average_order_value = fields.Monetary(related="customer_profile_id.average_order_value",
                                                   currency_field="customer_currency_id", string="Average order value")
    customer_payment_days = fields.Float(related="customer_profile_id.payment_days", string="Days to pay vs due")
    customer_probability_alive = fields.Float(related="customer_profile_id.probability_alive",
                                              string="Probability still active (%)")
    customer_lifetime_value = fields.Monetary(related="customer_profile_id.lifetime_value",
                                              currency_field="customer_currency_id", string="Lifetime value")
    customer_cluster_description = fields.Char(related="customer_profile_id.cluster_description", string="Cluster")
    customer_crosssell_ids = fields.One2many(related="customer_profile_id.crosssell_ids", string="Suggestions")
    customer_late_share = fields.Float(related="customer_profile_id.late_share", string="Invoices paid late (%)")

    @api.depends("commercial_partner_id.customer_profile_ids")
    @api.depends_context("company")
    def _compute_customer_profile_id(self):
        profiles = self.env["customer.profile"].search([
            ("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)])
        by_partner = {profile.partner_id.id: profile for profile in profiles}
        for partner in self:
            profile = by_partner.get(partner.commercial_partner_id.id, self.env["customer.profile"])
            partner.customer_profile_id = profile
            partner.customer_tier = profile.tier
            partner.customer_segment_id = profile.segment_id

    def _search_customer_profile_id(self, operator, value):
        return [("commercial_partner_id.customer_profile_ids", operator, value)]

    def _search_customer_tier(self, operator, value):
        return self._search_through_profile("tier", operator, value)

    def _search_customer_segment_id(self, operator, value):
        return self._search_through_profile("segment_id", operator, value)

    def _search_through_profile(self, field_name, operator, value):
        """Customers (and their contacts) whose profile in the current company matches."""
        profiles = self.env["customer.profile"]._search([
            ("company_id", "=", self.env.company.id), (field_name, operator, value)])
        return [("commercial_partner_id.customer_profile_ids", "in", profiles)]
