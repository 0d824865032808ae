from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    customer_window_months = fields.Integer(
        related="company_id.customer_window_months", readonly=False
    )
    customer_tier_basis = fields.Selection(
        related="company_id.customer_tier_basis", readonly=False
    )
    customer_strategic_cut = fields.Float(
        related="company_id.customer_strategic_cut", readonly=False
    )
    customer_key_cut = fields.Float(
        related="company_id.customer_key_cut", readonly=False
    )
    customer_tier_hysteresis = fields.Integer(
        related="company_id.customer_tier_hysteresis", readonly=False
    )
    customer_rfm_method = fields.Selection(
        related="company_id.customer_rfm_method", readonly=False
    )
    customer_clv_horizon_months = fields.Integer(
        related="company_id.customer_clv_horizon_months", readonly=False
    )
    customer_clv_discount_rate = fields.Float(
        related="company_id.customer_clv_discount_rate", readonly=False
    )
    customer_holdout_months = fields.Integer(
        related="company_id.customer_holdout_months", readonly=False
    )
    customer_cluster_count = fields.Integer(
        related="company_id.customer_cluster_count", readonly=False
    )
    customer_model_refit_days = fields.Integer(
        related="company_id.customer_model_refit_days", readonly=False
    )
    customer_crosssell_min_customers = fields.Integer(
        related="company_id.customer_crosssell_min_customers", readonly=False
    )
    customer_crosssell_max_products = fields.Integer(
        related="company_id.customer_crosssell_max_products", readonly=False
    )
    customer_crosssell_top_n = fields.Integer(
        related="company_id.customer_crosssell_top_n", readonly=False
    )
    customer_recency_thresholds = fields.Char(
        related="company_id.customer_recency_thresholds", readonly=False
    )
    customer_frequency_thresholds = fields.Char(
        related="company_id.customer_frequency_thresholds", readonly=False
    )
    customer_monetary_thresholds = fields.Char(
        related="company_id.customer_monetary_thresholds", readonly=False
    )
