import datetime
import logging

import numpy as np
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from .. import engine
from ..lib import explain

_logger = logging.getLogger(__name__)

MANAGER = "customer_segmentation.customer_segmentation_group_manager"
# Beyond this a + b the Beta dropout distribution is a spike: one chance for everyone.
SAME_DROPOUT = 1000


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

    clv_parameters = fields.Char(
        "Fitted parameters",
        readonly=True,
        help="Fitted on every customer's full history up to the as-of date. BG/NBD "
        "purchase model: r and alpha, the shape and scale of the purchase rates "
        "(alpha in weeks), a and b, the dropout probabilities. Gamma-Gamma spend "
        "model: p, q and gamma (gamma in the company currency).",
    )
    clv_calibration_parameters = fields.Char(
        "Calibration fit",
        readonly=True,
        help="BG/NBD parameters fitted on the history up to the day before the holdout "
        "months, for the holdout check (alpha in weeks).",
    )
    # The run stores codes and numbers; the notes and the holdout check are worded in
    # the reader's language.
    # {"clv": why no lifetime value, "holdout": the check or why none (see
    # _holdout_report), "clusters": customers when too few}
    prediction_notes = fields.Json(readonly=True, copy=False)
    clv_note = fields.Char(
        "Lifetime value",
        compute="_compute_prediction_texts",
        help="Why no lifetime value was computed, when it was not.",
    )
    holdout_report = fields.Html(
        "Holdout check", compute="_compute_prediction_texts", sanitize=False
    )
    # The fitted parameters as numbers, for the model in words.
    clv_r = fields.Float("BG/NBD r", readonly=True, groups=MANAGER)
    clv_alpha = fields.Float("BG/NBD alpha (weeks)", readonly=True, groups=MANAGER)
    clv_a = fields.Float("BG/NBD a", readonly=True, groups=MANAGER)
    clv_b = fields.Float("BG/NBD b", readonly=True, groups=MANAGER)
    clv_p = fields.Float("Gamma-Gamma p", readonly=True, groups=MANAGER)
    clv_q = fields.Float("Gamma-Gamma q", readonly=True, groups=MANAGER)
    clv_gamma = fields.Float("Gamma-Gamma gamma", readonly=True, groups=MANAGER)
    clv_alive_share = fields.Float(
        "Customers probably active (%)",
        readonly=True,
        digits=(16, 1),
        groups=MANAGER,
        help="Mean probability of still being active over the customers of the fit.",
    )
    clv_summary = fields.Html(
        "Fitted model",
        compute="_compute_clv_summary",
        sanitize=False,
        groups=MANAGER,
    )
    # Per cluster, largest first: its words, size and revenue, and its typical
    # customer's figures (see _cluster_table); worded in the reader's language.
    cluster_table = fields.Json(readonly=True, copy=False, groups=MANAGER)
    cluster_report = fields.Html(
        "Clusters table",
        compute="_compute_cluster_report",
        sanitize=False,
        groups=MANAGER,
    )
    # The day the models were last fitted; later runs reuse them until the refit
    # is due (res.company.customer_model_refit_days).
    model_fit_date = fields.Date("Models fitted on", readonly=True, copy=False)
    # The cluster model in numbers (standardized centres and their codes), for the
    # runs that reuse it.
    cluster_model = fields.Json(readonly=True, copy=False, groups=MANAGER)
    cluster_count = fields.Integer("Clusters", readonly=True)
    cluster_silhouette = fields.Float("Silhouette", readonly=True, digits=(4, 3))
    cluster_note = fields.Char("Clusters note", compute="_compute_prediction_texts")

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

    @api.depends("prediction_notes")
    @api.depends_context("lang")
    def _compute_prediction_texts(self):
        for run in self:
            notes = run.prediction_notes or {}
            # Runs made before this version kept their texts ("legacy").
            legacy = notes.get("legacy", {})
            run.clv_note = legacy.get("clv") or (
                notes.get("clv")
                and self.env._("No lifetime value: %s", self._reason(notes["clv"]))
            )
            run.holdout_report = legacy.get("holdout") or (
                notes.get("holdout") and self._holdout_html(notes["holdout"])
            )
            run.cluster_note = legacy.get("clusters") or (
                "clusters" in notes
                and self.env._(
                    "No clusters: %s customers with orders are too few.",
                    notes["clusters"],
                )
            )

    def _reason(self, reason):
        """Words for a ``{"code": ..., params}`` reason stored by the run."""
        code = reason.get("code")
        if code == "purchase_customers":
            return self.env._(
                "Not enough customers to fit the BG/NBD purchase model: %(count)s customer(s), at least %(needed)s are needed.",  # noqa: E501
                count=reason["count"],
                needed=reason["needed"],
            )
        if code == "purchase_repeat":
            return self.env._(
                "Not enough repeat buyers to fit the BG/NBD purchase model: %(count)s customer(s) bought more than once, at least %(needed)s are needed.",  # noqa: E501
                count=reason["count"],
                needed=reason["needed"],
            )
        if code == "purchase_history":
            return self.env._(
                "Not enough history to fit the BG/NBD purchase model: every customer has age T = 0."  # noqa: E501
            )
        if code == "spend_repeat":
            return self.env._(
                "Not enough repeat buyers to fit the Gamma-Gamma spend model: %(count)s customer(s) with repeat purchases of positive value, at least %(needed)s are needed.",  # noqa: E501
                count=reason["count"],
                needed=reason["needed"],
            )
        # The optimiser's own message (SciPy) has no translation.
        if code == "purchase_not_converged":
            return self.env._(
                "the purchase model did not converge (%s)", reason["message"]
            )
        if code == "spend_not_converged":
            return self.env._(
                "the spend model did not converge (%s)", reason["message"]
            )
        return reason.get("message") or code

    def _holdout_html(self, holdout):
        if "reason" in holdout:
            return Markup("<p>%s</p>") % self.env._(
                "No holdout check: %s", self._reason(holdout["reason"])
            )
        end = fields.Date.to_date(holdout["end"])
        if holdout.get("too_few"):
            return Markup("<p>%s</p>") % self.env._(
                "No holdout check: too few customers by %s.", format_date(self.env, end)
            )
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td "
                "class='text-end'>%.1f</td><td class='text-end'>%.0f</td></tr>"
            )
            % (decile, count, pred, act)
            for decile, (count, pred, act) in enumerate(holdout["rows"], 1)
        )
        return Markup(
            "<p>%s</p><table class='table table-sm'><thead><tr><th>%s</th><th "
            "class='text-end'>%s</th><th class='text-end'>%s</th><th "
            "class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (
            self.env._(
                "Fitted on orders up to %(end)s included; purchases from %(start)s to "
                "%(today)s (%(months)s months): predicted %(pred).0f, actual "
                "%(act).0f.",
                end=format_date(self.env, end),
                start=format_date(self.env, end + datetime.timedelta(days=1)),
                today=format_date(self.env, fields.Date.to_date(holdout["today"])),
                months=holdout["months"],
                pred=holdout["predicted"],
                act=holdout["actual"],
            ),
            self.env._("Decile of predicted purchases"),
            self.env._("Customers"),
            self.env._("Predicted"),
            self.env._("Actual"),
            rows,
        )

    crosssell_rule_count = fields.Integer("Cross-sell pairs", readonly=True)
    # The day the stored pairs were computed; the nights between refits keep them
    # while the segments hardly moved (engine._crosssell_due).
    crosssell_date = fields.Date("Cross-sell pairs computed on", readonly=True)
    prediction_duration = fields.Float("Predictions (s)", readonly=True)

    @api.depends("clv_r", "clv_alpha", "clv_a", "clv_b", "clv_p", "clv_q", "clv_gamma")
    @api.depends_context("lang")
    def _compute_clv_summary(self):
        for run in self:
            if not (run.clv_r and run.clv_alpha):
                run.clv_summary = False
                continue
            buying = explain.purchase_model_summary(
                run.clv_r, run.clv_alpha, run.clv_a, run.clv_b
            )
            mean_value = explain.spend_model_mean(run.clv_p, run.clv_q, run.clv_gamma)
            currency = run.company_id.currency_id
            lines = [
                _(
                    "While active, a typical customer buys %(rate).1f times a year "
                    "(purchase rates vary between customers: Gamma with shape r = "
                    "%(r).3g and scale alpha = %(alpha).3g weeks).",
                    rate=buying["purchases_per_year"],
                    r=run.clv_r,
                    alpha=run.clv_alpha,
                ),
                _(
                    "After each purchase a customer stops buying with a chance of "
                    "%(dropout).1f %%, about the same for every customer (a and b are "
                    "so large, here %(a).0f and %(b).0f, that their ratio is all the "
                    "data tell).",
                    dropout=buying["dropout"] * 100,
                    a=run.clv_a,
                    b=run.clv_b,
                )
                if run.clv_a + run.clv_b > SAME_DROPOUT
                else _(
                    "After each purchase a customer stops buying with a chance of "
                    "%(dropout).1f %% on average (Beta with a = %(a).3g, b = %(b).3g).",
                    dropout=buying["dropout"] * 100,
                    a=run.clv_a,
                    b=run.clv_b,
                ),
                _(
                    "An order is worth %(value)s on average (Gamma-Gamma with p = "
                    "%(p).3g, q = %(q).3g, gamma = %(gamma)s).",
                    value=format_amount(self.env, mean_value, currency)
                    if np.isfinite(mean_value)
                    else _("an undefined amount (q ≤ 1)"),
                    p=run.clv_p,
                    q=run.clv_q,
                    gamma=format_amount(self.env, run.clv_gamma, currency),
                ),
                _(
                    "%(alive).0f %% of the customers are probably still active "
                    "(mean probability).",
                    alive=run.clv_alive_share,
                ),
            ]
            run.clv_summary = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % line for line in lines
            )

    @api.depends("cluster_table", "company_id.currency_id")
    @api.depends_context("lang")
    def _compute_cluster_report(self):
        for run in self:
            table = run.cluster_table
            if not table:
                run.cluster_report = False
            elif isinstance(table, dict):  # made before this version
                run.cluster_report = table.get("legacy") or False
            else:
                run.cluster_report = run._cluster_report_html(table)

    def _cluster_report_html(self, table):
        currency = self.company_id.currency_id
        profiles = self.env["customer.profile"]
        rows = []
        for row in table:
            orders, pay = row["orders"], row["pay"]
            typical = self.env._(
                "%(orders)s, last one %(days).0f days ago, %(revenue)s in the window",
                orders=self.env._("1 order")
                if round(orders) == 1
                else self.env._("%.0f orders", orders),
                days=row["recency"],
                revenue=format_amount(self.env, row["typical_revenue"], currency),
            )
            if pay is not None:
                typical = self.env._(
                    "%(previous)s, %(next)s",
                    previous=typical,
                    next=self.env._("pays %.0f days late", pay)
                    if round(pay) > 0
                    else self.env._("pays %.0f days early", -pay)
                    if round(pay) < 0
                    else self.env._("pays on time"),
                )
            rows.append(
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td><td>%s</td></tr>"
                )
                % (
                    # tables made before the codes hold the words
                    row.get("words") or profiles._cluster_words(row["code"]),
                    row["size"],
                    format_amount(self.env, row["revenue"], currency),
                    typical,
                )
            )
        return Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th><th>%s</th>"
            "</tr></thead><tbody>%s</tbody></table>"
        ) % (
            self.env._("Cluster"),
            self.env._("Customers"),
            self.env._("Revenue"),
            self.env._("Typical customer (median)"),
            Markup("").join(rows),
        )

    # ------------------------------------------------------------------ entry points
    @api.model
    def _cron_run(self, as_of=None):
        """Run every company as of ``as_of`` (each company's today by default). A
        company whose run fails is logged and left out: the others' runs are kept."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, 1):
            try:
                with self.env.cr.savepoint():
                    self._run_company(company, as_of=as_of)
            except Exception:
                _logger.exception(
                    "Customer segmentation of company %s (id %s) failed",
                    company.name,
                    company.id,
                )
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
    def _run_company(self, company, as_of=None, timings=None):
        """Re-segment every customer of ``company`` with orders in the window ending on
        ``as_of`` (a date, the company's today by default): nothing after that day
        counts. Safe to repeat. Returns the day's run. ``timings``: a dict that gets
        the seconds of each of engine.STEPS."""
        as_of = company._customer_period(as_of)["as_of"]
        env = self.with_company(company).sudo().env
        return engine.run(env, company, as_of, timings)

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
