from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount

from .. import engine


class CustomerSegmentationRun(models.Model):
    _name = "customer.segmentation.run"
    _description = "Customer Segmentation Run"
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    date = fields.Date(
        "As of",
        required=True,
        readonly=True,
        index=True,
        help="Nothing after this day (in the company's time zone) counts in the run.",
    )
    customer_count = fields.Integer("Customers", readonly=True)
    changed_count = fields.Integer("Changed", readonly=True)
    downgrade_count = fields.Integer("Moved down", readonly=True)
    activity_count = fields.Integer("Activities", readonly=True)
    duration = fields.Float("Duration (s)", readonly=True)
    # What the run noted, as codes and numbers: {"no_margin": true when tiers fell
    # back to revenue, "baseline": customers of a first run}; worded in _compute_note.
    run_notes = fields.Json(readonly=True, copy=False)
    note = fields.Text(compute="_compute_note")
    snapshot_ids = fields.One2many("customer.segment.snapshot", "run_id", readonly=True)

    _sql_constraints = [
        (
            "company_date_uniq",
            "unique(company_id, date)",
            "One segmentation run per company and day.",
        ),
    ]

    @api.depends("run_notes")
    @api.depends_context("lang")
    def _compute_note(self):
        for run in self:
            notes = run.run_notes or {}
            lines = [notes["legacy"]] if notes.get("legacy") else []
            if notes.get("no_margin"):
                lines.append(
                    self.env._(
                        "Tiers use revenue: no margin is known (install Sales Margin or set product costs)."  # noqa: E501
                    )
                )
            if "baseline" in notes:
                lines.append(
                    self.env._(
                        "First run: %s customers set the baseline. "
                        "Segment and tier changes are recorded from the next run on.",
                        notes["baseline"],
                    )
                )
            run.note = "\n".join(lines) or False

    @api.depends("company_id", "date")
    def _compute_display_name(self):
        for run in self:
            run.display_name = f"{run.company_id.name} · {run.date}"

    # ------------------------------------------------------------------ entry points
    @api.model
    def _cron_run(self, as_of=None):
        """Run every company as of ``as_of`` (each company's today by default)."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, 1):
            self._run_company(company, as_of=as_of)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

    @api.model
    def action_run_now(self):
        """The *Run now* button: asks for the as-of date."""
        self._check_can_run()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "customer_segmentation.customer_segmentation_run_wizard_action"
        )

    @api.model
    def _check_can_run(self):
        if not self.env.user.has_group(
            "customer_segmentation.customer_segmentation_group_manager"
        ):
            raise UserError(
                _("Only customer segmentation administrators run the segmentation.")
            )

    def _action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "customer.segmentation.run",
            "res_id": self.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------ the run
    @api.model
    def _run_company(self, company, as_of=None):
        """Re-segment every customer of ``company`` with orders in the window ending on
        ``as_of`` (a date, the company's today by default): nothing after that day
        counts. Safe to repeat. Returns the day's run."""
        as_of = company._customer_period(as_of)["as_of"]
        return engine.run(self.with_company(company).sudo().env, company, as_of)

    def _schedule_downgrade_activities(self, company, partner_ids, values, rows):
        if not len(rows):
            return 0
        partners = self.env["res.partner"].browse(partner_ids.tolist())
        segments_by_id = self.env["customer.segment"].browse(
            set(values["segment_id"][rows].tolist())
            | set(values["previous_segment_id"][rows].tolist())
        )
        names = {}  # per language: segment names by id
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        fallback = self.env.user
        vals_list = []
        for partner, row in zip(partners, rows.tolist(), strict=False):
            user = partner.user_id or fallback
            # An activity stores its text: in the language of the salesperson.
            env = self.with_context(lang=user.lang or self.env.lang).env
            if env.lang not in names:
                names[env.lang] = {
                    s.id: s.name for s in segments_by_id.with_context(lang=env.lang)
                }
            old, new = (
                names[env.lang].get(values["previous_segment_id"][row]),
                names[env.lang].get(values["segment_id"][row]),
            )
            revenue = format_amount(env, values["monetary"][row], company.currency_id)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": env._("%(old)s → %(new)s", old=old, new=new),
                    "note": Markup("<p>%s</p>")
                    % env._(
                        "%(customer)s moved from %(old)s to %(new)s. Revenue at risk over the analysis window: %(revenue)s.",  # noqa: E501
                        customer=partner.display_name,
                        old=old,
                        new=new,
                        revenue=revenue,
                    ),
                    "date_deadline": fields.Date.context_today(self),
                }
            )
        self.env["mail.activity"].create(vals_list)
        return len(vals_list)
