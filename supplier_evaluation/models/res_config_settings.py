from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    supplier_grade_a_min = fields.Float(
        related="company_id.supplier_grade_a_min", readonly=False
    )
    supplier_grade_b_min = fields.Float(
        related="company_id.supplier_grade_b_min", readonly=False
    )
    supplier_period_type = fields.Selection(
        related="company_id.supplier_period_type", readonly=False
    )
    supplier_kraljic_window = fields.Integer(
        related="company_id.supplier_kraljic_window", readonly=False
    )
    supplier_impact_threshold = fields.Float(
        related="company_id.supplier_impact_threshold", readonly=False
    )
    supplier_risk_threshold = fields.Float(
        related="company_id.supplier_risk_threshold", readonly=False
    )
    supplier_portal_max_upload_mb = fields.Float(
        related="company_id.supplier_portal_max_upload_mb", readonly=False
    )
    supplier_trend_periods = fields.Integer(
        related="company_id.supplier_trend_periods", readonly=False
    )
    supplier_cluster_count = fields.Integer(
        related="company_id.supplier_cluster_count", readonly=False
    )
    supplier_certificate_reminder_days = fields.Integer(
        related="company_id.supplier_certificate_reminder_days", readonly=False
    )
    supplier_order_sellers_by_score = fields.Boolean(
        related="company_id.supplier_order_sellers_by_score", readonly=False
    )
    supplier_lead_time_months = fields.Integer(
        related="company_id.supplier_lead_time_months", readonly=False
    )
    supplier_lead_time_basis = fields.Selection(
        related="company_id.supplier_lead_time_basis", readonly=False
    )
    supplier_lead_time_threshold = fields.Float(
        related="company_id.supplier_lead_time_threshold", readonly=False
    )
    supplier_lead_time_min_receipts = fields.Integer(
        related="company_id.supplier_lead_time_min_receipts", readonly=False
    )
    supplier_pdf_engine_missing = fields.Boolean(
        compute="_compute_supplier_pdf_engine_missing",
        help=(
            "wkhtmltopdf cannot make PDFs here: scorecards are sent with their "
            "portal link instead."
        ),
    )

    def _compute_supplier_pdf_engine_missing(self):
        missing = not self.env["supplier.scorecard"]._pdf_engine_available()
        for settings in self:
            settings.supplier_pdf_engine_missing = missing
