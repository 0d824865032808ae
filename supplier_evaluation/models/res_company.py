from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import demo
from ..lib.vocabulary import KRALJIC_CODES

# What every company gets (res.company._supplier_evaluation_setup): the shipped
# templates, one per Kraljic class, and the shipped alert rules and purchase policies.
DEFAULT_TEMPLATES = tuple(
    f"supplier_evaluation.supplier_evaluation_template_{code}" for code in KRALJIC_CODES
)
DEFAULT_RECORDS = {
    "supplier.alert.rule": ("supplier_evaluation.supplier_alert_rule_on_time",),
    "supplier.purchase.policy": (
        "supplier_evaluation.supplier_purchase_policy_blocked",
        "supplier_evaluation.supplier_purchase_policy_grade_c",
    ),
}


class ResCompany(models.Model):
    _inherit = "res.company"

    supplier_grade_a_min = fields.Float("Grade A from", default=85.0)
    supplier_grade_b_min = fields.Float("Grade B from", default=70.0)
    supplier_period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")],
        "Evaluation period",
        default="month",
        required=True,
    )
    supplier_kraljic_window = fields.Integer("Kraljic window (months)", default=12)
    supplier_impact_threshold = fields.Float(
        "High profit impact from",
        default=0.05,
        help="Share of the company's spend from which a supplier has a high profit "
        "impact, stored as a fraction (0.05 = 5 %); the settings show it in percent.",
    )
    supplier_risk_threshold = fields.Float(
        "High supply risk from",
        default=0.5,
        help="Supply risk from which a supplier is a high risk, stored as a fraction "
        "(0.5 = 50 %): 70 % its share of spend on products with no other vendor, "
        "30 % the spread of its lead times.",
    )
    supplier_certificate_reminder_days = fields.Integer(
        "Certificate reminder (days before expiry)", default=30
    )
    supplier_portal_max_upload_mb = fields.Float(
        "Portal upload limit (MB)",
        default=10.0,
        help="Largest file a supplier may upload from the portal, per file. The "
        "portal's upload forms accept requests of up to 10 such files, beyond "
        "Odoo's own 128 MB request limit; a proxy in front of Odoo (e.g. nginx "
        "client_max_body_size) must allow as much.",
    )
    supplier_trend_periods = fields.Integer(
        "Trend periods",
        default=6,
        help="Scored periods the lead-time and on-time trends are fitted on.",
    )
    supplier_cluster_count = fields.Integer("Supplier clusters (k)", default=3)
    supplier_order_sellers_by_score = fields.Boolean(
        "Vendor pricelines by score",
        help="Odoo takes the first valid vendor priceline of a product (replenishment, "
        "new RFQ lines): with this, the vendor with the best latest scorecard comes "
        "first.",
    )
    supplier_lead_time_months = fields.Integer(
        "Lead-time window (months)",
        default=12,
        help="Months of receipts the learned lead times are measured on.",
    )
    supplier_lead_time_basis = fields.Selection(
        [("median", "Median"), ("p80", "80th percentile")],
        "Measured lead time",
        default="median",
        required=True,
        help="Which figure of the receipts is compared with, and applied to, the "
        "vendor pricelines: the median, or the 80th percentile (8 receipts in 10 "
        "arrive by then).",
    )
    supplier_lead_time_threshold = fields.Float(
        "Lead-time gap to review (days)",
        default=2.0,
        help="A priceline is listed when its measured lead time is further than "
        "this from the declared one.",
    )
    supplier_lead_time_min_receipts = fields.Integer(
        "Receipts needed", default=3, help="Fewer receipts measure nothing reliable."
    )

    @api.constrains("supplier_grade_a_min", "supplier_grade_b_min")
    def _check_supplier_grade_bands(self):
        for company in self:
            if (
                not 0
                <= company.supplier_grade_b_min
                < company.supplier_grade_a_min
                <= 100
            ):
                raise ValidationError(
                    _(
                        "Grade bands must satisfy 0 ≤ “Grade B from” < “Grade A from” ≤ 100."  # noqa: E501
                    )
                )

    @api.constrains(
        "supplier_kraljic_window",
        "supplier_impact_threshold",
        "supplier_risk_threshold",
        "supplier_certificate_reminder_days",
        "supplier_trend_periods",
        "supplier_cluster_count",
        "supplier_portal_max_upload_mb",
        "supplier_lead_time_months",
        "supplier_lead_time_threshold",
        "supplier_lead_time_min_receipts",
    )
    def _check_supplier_evaluation_settings(self):
        for company in self:
            if company.supplier_kraljic_window <= 0:
                raise ValidationError(
                    _("The Kraljic window must be at least one month.")
                )
            if not (
                0 < company.supplier_impact_threshold <= 1
                and 0 < company.supplier_risk_threshold <= 1
            ):
                raise ValidationError(
                    _(
                        "Kraljic thresholds are percentages above 0 % and up to 100 % (e.g. 5 %)."  # noqa: E501
                    )
                )
            if company.supplier_portal_max_upload_mb <= 0:
                raise ValidationError(_("The portal upload limit must be positive."))
            if company.supplier_trend_periods < 3:
                raise ValidationError(_("A trend needs at least 3 periods."))
            if not 1 <= company.supplier_cluster_count <= 10:
                raise ValidationError(
                    _("The number of supplier clusters must be between 1 and 10.")
                )
            if (
                company.supplier_lead_time_months <= 0
                or company.supplier_lead_time_threshold < 0
                or company.supplier_lead_time_min_receipts < 1
            ):
                raise ValidationError(
                    _(
                        "Learned lead times need a window of at least one month, a gap "
                        "of zero days or more and at least one receipt."
                    )
                )
            if company.supplier_certificate_reminder_days < 0:
                raise ValidationError(
                    _("The certificate reminder cannot be a negative number of days.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._supplier_evaluation_setup()
        return companies

    def _supplier_evaluation_setup(self):
        """Give each company of ``self`` what the module installs for the main company
        and it lacks: an evaluation template per Kraljic class (a supplier cannot be
        scored without one, and the monthly run of every company would stop at its
        first supplier), and the alert rules and purchase policies when it has none
        of them. Copies of the module's own records: a template's first version (a
        change of criteria makes a new version), the rules and policies as they
        stand."""
        env = self.env(su=True)

        def shipped(xmlids):
            return [
                record
                for record in (env.ref(x, raise_if_not_found=False) for x in xmlids)
                if record
            ]

        templates = shipped(DEFAULT_TEMPLATES)
        records = {model: shipped(xmlids) for model, xmlids in DEFAULT_RECORDS.items()}
        for company in self:
            classes = set(
                env["supplier.evaluation.template"]
                .search([("company_id", "=", company.id)])
                .mapped("kraljic_class")
            )
            for template in templates:
                if template.kraljic_class not in classes:
                    template.copy({"company_id": company.id, "active": True})
            for model, originals in records.items():
                if not env[model].search_count([("company_id", "=", company.id)]):
                    for record in originals:
                        record.copy({"company_id": company.id})

    @api.model
    def _supplier_evaluation_setup_all(self):
        """Entry point of data/supplier_evaluation_company_data.xml and of the
        migration: every company set up."""
        self.with_context(active_test=False).search([])._supplier_evaluation_setup()

    @api.model
    def _supplier_evaluation_load_demo(self):
        """Entry point of data/supplier_evaluation_demo.xml: the demo history of the
        current company, as of its today."""
        company = self.env.company
        today = self.env["supplier.scorecard"]._company_today(company)
        demo.generate_history(self.env, company, today)
