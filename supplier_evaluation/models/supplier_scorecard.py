import datetime
import logging
from collections import defaultdict

import numpy as np
import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from .. import engine
from ..lib import charts, cluster, periods, stakeholders
from ..lib.vocabulary import (
    CLUSTER_FEATURES,
    CRITERION_CODES,
    GRADES,
    KRALJIC_CLASSES,
    RAW_FIELDS,
    SCORE_FIELDS,
)

_logger = logging.getLogger(__name__)

CRITERION_STATUS = [
    ("scored", "Scored"),
    ("no_data", "No data"),
    ("not_weighed", "Not weighed"),
]


def _criterion_status_field():
    return fields.Selection(CRITERION_STATUS, compute="_compute_criterion_status")


SAMPLE_FIELDS = (
    "line_count",
    "qty_due",
    "qty_received",
    "qty_returned",
    "receipt_count",
    "price_product_count",
    "rating_count",
)
EXCLUDED_FIELDS = (
    "excluded_cancelled",
    "excluded_duplicate",
    "excluded_no_promise",
    "excluded_lead_time",
    "excluded_service",
    "excluded_disputed",
)


# Scorecards drawn in a dashboard card's sparkline, the card's own included.
DASHBOARD_TREND_PERIODS = 6


class SupplierScorecard(models.Model):
    _name = "supplier.scorecard"
    _description = "Supplier Scorecard"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_from desc, total_score desc, id"
    _check_company_auto = True
    # Buyers (read-only) send scorecards and post on them. Portal users read scorecards
    # too, but post only through the portal chatter, which keeps their recipients to the
    # followers and their sender to themselves: see message_post().
    _mail_post_access = "read"

    partner_id = fields.Many2one(
        "res.partner", "Supplier", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_type = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter")], required=True, readonly=True
    )
    date_from = fields.Date("From", required=True, index=True, readonly=True)
    date_to = fields.Date("To", required=True, readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("published", "Published"), ("locked", "Locked")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    is_published = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="Published to the supplier: visible in its portal, also once locked.",
    )
    # All four quadrants show in the Kraljic matrix, in the selection's order
    # (strategic, leverage, bottleneck, routine), also when one is empty.
    kraljic_class = fields.Selection(KRALJIC_CLASSES, readonly=True, group_expand=True)
    template_id = fields.Many2one("supplier.evaluation.template", readonly=True)
    has_data = fields.Boolean(
        readonly=True, help="False when the supplier had no activity in the period."
    )

    # Raw figures (empty when there was no data for them)
    on_time_rate = fields.Float("On-time delivery (%)", readonly=True, aggregator="avg")
    in_full_rate = fields.Float("In full (%)", readonly=True, aggregator="avg")
    quality_rate = fields.Float(
        "Quality acceptance (%)", readonly=True, aggregator="avg"
    )
    price_index = fields.Float(
        "Price index (%)",
        readonly=True,
        aggregator="avg",
        help="Average price paid against other vendors of the same products; "
        "100 = their average.",
    )
    lead_time_avg = fields.Float("Lead time (days)", readonly=True, aggregator="avg")
    lead_time_std = fields.Float(
        "Lead time spread (days)", readonly=True, aggregator="avg"
    )
    service_rating = fields.Float("Service rating", readonly=True, aggregator="avg")
    communication_rating = fields.Float(
        "Communication rating", readonly=True, aggregator="avg"
    )
    cooperation_rating = fields.Float(
        "Cooperation rating", readonly=True, aggregator="avg"
    )

    # Sample sizes
    line_count = fields.Integer("Lines due", readonly=True)
    qty_due = fields.Float("Quantity due", readonly=True)
    qty_received = fields.Float("Quantity received", readonly=True)
    qty_returned = fields.Float("Quantity returned", readonly=True)
    receipt_count = fields.Integer("Receipts", readonly=True)
    price_product_count = fields.Integer("Products compared", readonly=True)
    rating_count = fields.Integer("Ratings", readonly=True)
    spend = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Untaxed amount confirmed in the period, in company currency.",
    )

    # Scores 0-100
    score_on_time = fields.Float("On-time score", readonly=True, aggregator="avg")
    score_in_full = fields.Float("In-full score", readonly=True, aggregator="avg")
    score_quality = fields.Float("Quality score", readonly=True, aggregator="avg")
    score_price = fields.Float("Price score", readonly=True, aggregator="avg")
    score_lead_time = fields.Float("Lead-time score", readonly=True, aggregator="avg")
    score_lead_time_std = fields.Float(
        "Stability score", readonly=True, aggregator="avg"
    )
    score_service = fields.Float("Service score", readonly=True, aggregator="avg")
    score_communication = fields.Float(
        "Communication score", readonly=True, aggregator="avg"
    )
    score_cooperation = fields.Float(
        "Cooperation score", readonly=True, aggregator="avg"
    )
    total_score = fields.Float("Total", readonly=True, aggregator="avg")
    grade = fields.Selection(GRADES, readonly=True, index=True)
    previous_total = fields.Float("Previous total", readonly=True, aggregator="avg")
    total_change = fields.Float(
        "Change",
        readonly=True,
        aggregator="avg",
        help="Total minus the total of the previous period.",
    )

    # Data cleaning
    excluded_cancelled = fields.Integer("Cancelled lines", readonly=True)
    excluded_duplicate = fields.Integer("Duplicate receipts", readonly=True)
    excluded_no_promise = fields.Integer("Lines without promised date", readonly=True)
    excluded_lead_time = fields.Integer("Impossible lead times", readonly=True)
    excluded_service = fields.Integer("Service lines", readonly=True)
    excluded_disputed = fields.Integer(
        "Lines left out after a dispute",
        readonly=True,
        help="Purchase lines (returns for quality) the buyer agreed to leave out of a "
        "criterion after the supplier disputed them.",
    )
    dispute_ids = fields.One2many(
        "supplier.scorecard.dispute", "scorecard_id", string="Line disputes"
    )
    open_dispute_count = fields.Integer(compute="_compute_open_dispute_count")
    # Stakeholder surveys of the period (supplier.stakeholder.survey): internal only.
    stakeholder_nps = fields.Float(
        "NPS",
        compute="_compute_stakeholder_survey",
        groups="supplier_evaluation.supplier_evaluation_group_user",
        help="Net promoter score of the stakeholder survey answers of the period: "
        "the share of 9-10 answers minus the share of 0-6 answers, in points.",
    )
    stakeholder_answer_count = fields.Integer(
        "Survey answers",
        compute="_compute_stakeholder_survey",
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    stakeholder_comments = fields.Text(
        "Survey comments",
        compute="_compute_stakeholder_survey",
        groups="supplier_evaluation.supplier_evaluation_group_user",
    )
    # Stored as the number of corrections: the engine's bulk insert leaves it NULL (0).
    correction_count = fields.Integer(readonly=True, copy=False)
    revision = fields.Integer(
        compute="_compute_revision",
        help="Raised each time the published scorecard is corrected.",
    )
    revision_ids = fields.One2many(
        "supplier.scorecard.revision",
        "scorecard_id",
        string="Earlier revisions",
        readonly=True,
    )
    excluded_summary = fields.Char("Left out", compute="_compute_excluded_summary")
    # Per criterion: scored, no data in the period (the raw figure is NULL) or not
    # weighed by the template (the score is NULL): the form says so instead of 0.
    status_on_time = _criterion_status_field()
    status_in_full = _criterion_status_field()
    status_quality = _criterion_status_field()
    status_price = _criterion_status_field()
    status_lead_time = _criterion_status_field()
    status_lead_time_std = _criterion_status_field()
    status_service = _criterion_status_field()
    status_communication = _criterion_status_field()
    status_cooperation = _criterion_status_field()
    open_action_ids = fields.Many2many(
        "supplier.corrective.action",
        compute="_compute_open_action_ids",
        string="Open corrective actions",
    )

    # Trends and clusters (engine.trends, engine.clusters)
    lead_time_slope = fields.Float(
        "Lead time trend (days/period)", readonly=True, aggregator="avg"
    )
    lead_time_r2 = fields.Float(
        "Lead time trend fit (R²)", readonly=True, aggregator="avg"
    )
    lead_time_forecast = fields.Float(
        "Lead time forecast (days)", readonly=True, aggregator="avg"
    )
    on_time_slope = fields.Float(
        "On-time trend (points/period)", readonly=True, aggregator="avg"
    )
    on_time_r2 = fields.Float("On-time trend fit (R²)", readonly=True, aggregator="avg")
    on_time_forecast = fields.Float(
        "On-time forecast (%)", readonly=True, aggregator="avg"
    )
    trend_points = fields.Integer("Periods in trend", readonly=True)
    # The run stores codes and numbers; the texts are worded in the reader's language.
    # {"growth": [slope, r2, forecast], "rules": [[rule id, rule name, forecast]]}
    trend_warning_data = fields.Json(readonly=True, copy=False)
    trend_warning = fields.Char(
        compute="_compute_trend_warning", search="_search_trend_warning"
    )
    cluster_label = fields.Selection(
        [
            (cluster.HIGH_POTENTIAL, "High potential"),
            (cluster.STABLE, "Stable"),
            (cluster.HIGH_RISK, "High risk"),
        ],
        "Cluster",
        readonly=True,
        index=True,
    )
    # {"group": [[column, "above" | "below"]], "own": [...]} (see _feature_codes), or
    # {"none": [suppliers, needed, clusters]}
    cluster_explanation_data = fields.Json(readonly=True, copy=False)
    cluster_explanation = fields.Char(
        compute="_compute_cluster_explanation",
        help="The cluster's centre, in standard deviations from all suppliers' "
        "average.",
    )

    # Dashboards
    is_latest_period = fields.Boolean(
        "Latest period",
        compute="_compute_is_latest_period",
        search="_search_is_latest_period",
        help="The last period scored in the current company.",
    )
    open_action_count = fields.Integer(
        "Open corrective action count", compute="_compute_open_counts"
    )
    open_alert_count = fields.Integer("Open alerts", compute="_compute_open_counts")
    total_trend_svg = fields.Html(
        "Total score trend",
        compute="_compute_total_trend_svg",
        sanitize=False,
        help="Total score over the supplier's last scorecards, up to this one.",
    )

    _sql_constraints = [
        (
            "partner_period_company_uniq",
            "unique(partner_id, company_id, date_from, date_to)",
            "A supplier has one scorecard per period and company.",
        ),
    ]

    @api.depends("partner_id", "date_from", "period_type")
    def _compute_display_name(self):
        for card in self:
            if card.period_type == "quarter":
                period = f"{card.date_from.year} Q{(card.date_from.month - 1) // 3 + 1}"
            else:
                period = card.date_from and card.date_from.strftime("%Y-%m")
            card.display_name = f"{card.partner_id.name} · {period}"

    @api.depends(*EXCLUDED_FIELDS)
    @api.depends("partner_id", "company_id", "date_from", "date_to")
    def _compute_stakeholder_survey(self):
        Line = self.env["survey.user_input.line"].sudo()
        for card in self:
            lines = Line.search(
                [
                    ("user_input_id.state", "=", "done"),
                    ("user_input_id.supplier_partner_id", "=", card.partner_id.id),
                    ("user_input_id.supplier_company_id", "=", card.company_id.id),
                    ("user_input_id.supplier_date", ">=", card.date_from),
                    ("user_input_id.supplier_date", "<=", card.date_to),
                    ("question_id.supplier_criterion", "in", ("nps", "comment")),
                    ("skipped", "=", False),
                ]
            )
            recommend = lines.filtered(
                lambda li: li.question_id.supplier_criterion == "nps"
            )
            card.stakeholder_answer_count = len(recommend)
            card.stakeholder_nps = (
                stakeholders.net_promoter_score(recommend.mapped("value_scale"))
                if recommend
                else 0.0
            )
            card.stakeholder_comments = "\n".join(
                text
                for li in lines - recommend
                if (text := (li.value_text_box or li.value_char_box or "").strip())
            )

    @api.depends("correction_count")
    def _compute_revision(self):
        for card in self:
            card.revision = card.correction_count + 1

    @api.depends("dispute_ids.state")
    def _compute_open_dispute_count(self):
        for card in self:
            card.open_dispute_count = len(
                card.dispute_ids.filtered(lambda d: d.state == "open")
            )

    def _compute_excluded_summary(self):
        labels = {
            name: self._fields[name].get_description(self.env)["string"]
            for name in EXCLUDED_FIELDS
        }
        for card in self:
            parts = [
                f"{labels[name]}: {card[name]}"
                for name in EXCLUDED_FIELDS
                if card[name]
            ]
            card.excluded_summary = ", ".join(parts) or _("Nothing")

    @api.depends(*RAW_FIELDS.values(), *SCORE_FIELDS.values())
    def _compute_criterion_status(self):
        # Float fields read NULL as 0.0: ask the database.
        rows = {}
        if self.ids:
            self.flush_recordset([*RAW_FIELDS.values(), *SCORE_FIELDS.values()])
            self.env.cr.execute(
                SQL(
                    "SELECT id, %s FROM supplier_scorecard WHERE id = ANY(%s)",
                    SQL(", ").join(
                        SQL(
                            "CASE WHEN %s IS NULL THEN 'no_data' "
                            "WHEN %s IS NULL THEN 'not_weighed' ELSE 'scored' END",
                            SQL.identifier(RAW_FIELDS[criterion]),
                            SQL.identifier(SCORE_FIELDS[criterion]),
                        )
                        for criterion in RAW_FIELDS
                    ),
                    self.ids,
                )
            )
            rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for card in self:
            statuses = rows.get(card.id) or ("no_data",) * len(RAW_FIELDS)
            for criterion, status in zip(RAW_FIELDS, statuses, strict=True):
                card[f"status_{criterion}"] = status

    def _compute_open_action_ids(self):
        actions = self.env["supplier.corrective.action"].search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "not in", ("accepted", "closed")),
            ]
        )
        for card in self:
            card.open_action_ids = actions.filtered(
                lambda a, card=card: a.partner_id == card.partner_id
                and a.company_id == card.company_id
            )

    @api.depends("trend_warning_data")
    @api.depends_context("lang")
    def _compute_trend_warning(self):
        rule_ids = {
            rule[0]
            for data in self.mapped("trend_warning_data")
            if data
            for rule in data.get("rules", ())
        }
        rules = self.env["supplier.alert.rule"].sudo().browse(rule_ids).exists()
        rule_names = dict(zip(rules.ids, rules.mapped("name"), strict=True))
        for card in self:
            data = card.trend_warning_data or {}
            messages = []
            if data.get("growth"):
                slope, r2, forecast = data["growth"]
                messages.append(
                    self.env._(
                        "Lead time grows by %(slope).1f days per period (R² %(r2).2f): %(forecast).1f days expected next.",  # noqa: E501
                        slope=slope,
                        r2=r2,
                        forecast=forecast,
                    )
                )
            for rule_id, name, value in data.get("rules", ()):
                messages.append(
                    self.env._(
                        "Forecast breaches “%(rule)s”: %(value).1f expected next period.",  # noqa: E501
                        rule=rule_names.get(rule_id, name),
                        value=value,
                    )
                )
            card.trend_warning = self._join(
                messages,
                lambda a, b: self.env._("%(previous)s %(next)s", previous=a, next=b),
            )

    def _search_trend_warning(self, operator, value):
        if operator not in ("=", "!=") or value is not False:
            raise NotImplementedError(operator)
        return [("trend_warning_data", operator, False)]

    @api.depends("cluster_explanation_data")
    @api.depends_context("lang")
    def _compute_cluster_explanation(self):
        for card in self:
            data = card.cluster_explanation_data
            if not data:
                card.cluster_explanation = False
            elif data.get("none"):
                count, needed, k = data["none"]
                card.cluster_explanation = self.env._(
                    "No clusters: %(count)s suppliers with data, at least %(needed)s needed for %(k)s clusters.",  # noqa: E501
                    count=count,
                    needed=needed,
                    k=k,
                )
            else:
                card.cluster_explanation = self.env._(
                    "Group: %(group)s. This supplier: %(own)s.",
                    group=self._cluster_phrases(data.get("group", ())),
                    own=self._cluster_phrases(data.get("own", ())),
                )

    def _cluster_feature_labels(self):
        return {
            "on_time_rate": self.env._("on-time delivery"),
            "quality_rate": self.env._("quality"),
            "price_index": self.env._("price index"),
            "lead_time_avg": self.env._("lead time"),
            "lead_time_std": self.env._("lead-time spread"),
            "total_score": self.env._("total score"),
        }

    def _cluster_phrases(self, codes):
        """Words for describe_center's codes; for lower-is-better figures the
        direction alone is misleading, so it says which way is worse."""
        labels = self._cluster_feature_labels()
        better = dict(CLUSTER_FEATURES)
        phrases = []
        for column, direction in codes:
            feature = labels.get(column, column)
            if better.get(column, True):
                phrase = (
                    self.env._("%(feature)s well above average", feature=feature)
                    if direction == "above"
                    else self.env._("%(feature)s well below average", feature=feature)
                )
            else:
                phrase = (
                    self.env._(
                        "%(feature)s well above average (worse)", feature=feature
                    )
                    if direction == "above"
                    else self.env._(
                        "%(feature)s well below average (better)", feature=feature
                    )
                )
            phrases.append(phrase)
        return self._join(
            phrases,
            lambda a, b: self.env._("%(previous)s; %(next)s", previous=a, next=b),
        ) or self.env._("close to the average on every figure")

    @staticmethod
    def _join(parts, pair):
        """Parts joined two by two with a translated pattern (languages differ in
        punctuation and spacing)."""
        text = False
        for part in parts:
            text = pair(text, part) if text else part
        return text

    def _latest_period_start(self, company):
        """First day of the last period scored in ``company`` (with its current period
        type), or None."""
        last = self.search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", company.supplier_period_type),
            ],
            order="date_from desc",
            limit=1,
        )
        return last.date_from or None

    @api.depends("company_id", "date_from", "period_type")
    def _compute_is_latest_period(self):
        latest = {
            company: self._latest_period_start(company) for company in self.company_id
        }
        for card in self:
            card.is_latest_period = (
                card.period_type == card.company_id.supplier_period_type
                and card.date_from == latest.get(card.company_id)
            )

    def _search_is_latest_period(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search the latest period with = True or False.")
            )
        # The current company's own cards only: a dashboard never mixes companies.
        company = self.env.company
        start = self._latest_period_start(company)
        domain = [
            "&",
            "&",
            ("company_id", "=", company.id),
            ("period_type", "=", company.supplier_period_type),
            ("date_from", "=", start),
        ]
        if start is None:
            domain = [("id", "=", False)]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    @api.depends("partner_id", "company_id")
    def _compute_open_counts(self):
        alerts = self.env["supplier.alert"]._read_group(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "=", "open"),
            ],
            ["partner_id", "company_id"],
            ["__count"],
        )
        alert_counts = {
            (partner.id, company.id): count for partner, company, count in alerts
        }
        for card in self:
            card.open_action_count = len(card.open_action_ids)
            card.open_alert_count = alert_counts.get(
                (card.partner_id.id, card.company_id.id), 0
            )

    @api.depends("partner_id", "company_id", "date_from", "total_score")
    def _compute_total_trend_svg(self):
        history = defaultdict(list)
        if self.ids:
            cards = self.search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("date_from", "<=", max(self.mapped("date_from"))),
                ],
                order="date_from asc, id asc",
            )
            for card in cards:
                history[card.partner_id.id, card.company_id.id].append(card)
        for card in self:
            past = [
                c
                for c in history[card.partner_id.id, card.company_id.id]
                if c.period_type == card.period_type and c.date_from <= card.date_from
            ][-DASHBOARD_TREND_PERIODS:]
            svg = charts.sparkline_svg(
                [c.total_score if c.has_data else None for c in past],
                [c.date_from.strftime("%Y-%m") for c in past],
                width=160,
                height=36,
                title=self.env._("Total score, last periods"),
                fluid=True,
            )
            card.total_trend_svg = Markup(svg) if svg else False

    def action_open_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_alert_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        return action

    def action_open_corrective_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_corrective_action_action"
        )
        action["domain"] = [("id", "in", self.open_action_ids.ids)]
        return action

    # ------------------------------------------------------------------ actions
    def _portal_criteria(self):
        """The template's criteria as shown to the supplier: label, raw figure, unit,
        score, weight.

        ``has_score`` is False where the period had no data for the criterion
        (NULL, not 0).
        """
        self.ensure_one()
        lines = self.template_id.sudo().line_ids
        self.env.cr.execute(
            SQL(
                "SELECT %s FROM supplier_scorecard WHERE id = %s",
                SQL(", ").join(
                    SQL("%s IS NOT NULL", SQL.identifier(SCORE_FIELDS[line.criterion]))
                    for line in lines
                )
                if lines
                else SQL("1"),
                self.id,
            )
        )
        present = self.env.cr.fetchone() or ()
        labels = dict(lines._fields["criterion"]._description_selection(self.env))
        return [
            {
                "label": labels.get(line.criterion, line.criterion),
                "raw": self[RAW_FIELDS[line.criterion]],
                "unit": line.unit,
                "score": self[SCORE_FIELDS[line.criterion]],
                "has_score": bool(present[i]) if i < len(present) else False,
                "weight": line.weight,
            }
            for i, line in enumerate(lines)
        ]

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for card in self:
            card.access_url = f"/my/scorecards/{card.id}"
        return res

    def _check_portal_post(self):
        """Read access lets a portal user reach message_post by RPC, with any recipients
        and sender; they post through the portal routes only (those call it as
        superuser)."""
        if not self.env.su and not self.env.user._is_internal():
            raise AccessError(
                self.env._("Post your message from the scorecard page of your portal.")
            )

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        self._check_portal_post()
        return super().message_post(**kwargs)

    @api.returns("mail.message", lambda value: value.id)
    def message_notify(self, **kwargs):
        self._check_portal_post()
        return super().message_notify(**kwargs)

    def action_send_scorecard(self):
        """Open the mail composer with the scorecard template and its PDF (like
        purchase's action_rfq_send)."""
        self.ensure_one()
        if (
            not self.is_published
        ):  # drafts, and cards locked without publishing, stay internal
            raise UserError(
                _("Publish the scorecard before sending it to the supplier.")
            )
        template = self.env.ref(
            "supplier_evaluation.mail_template_supplier_scorecard",
            raise_if_not_found=False,
        )
        defaults = {"default_template_id": template.id if template else False}
        if template and not self._pdf_engine_available():
            # No PDF can be made here: the template's report would stop the composer
            # with an error, so the message is written from the template without it,
            # with the portal link.
            template = template.with_context(supplier_scorecard_no_pdf=True)
            body = template._render_field("body_html", self.ids, compute_lang=True)[
                self.id
            ]
            link = self.get_base_url() + self.get_portal_url()
            defaults = {
                "default_template_id": False,
                "default_partner_ids": self.partner_id.ids,
                "default_subject": template._render_field(
                    "subject", self.ids, compute_lang=True
                )[self.id],
                "default_body": Markup('%s<p>%s <a href="%s">%s</a></p>')
                % (body, self.env._("Read the scorecard on our portal:"), link, link),
            }
        return self._composer_action(
            self.env._("Send Scorecard"),
            {
                **defaults,
                "default_composition_mode": "comment",
                "email_notification_allow_footer": True,
                "force_email": True,
            },
        )

    def _composer_action(self, name, context):
        """The mail composer on these scorecards, in the light layout."""
        return {
            "name": name,
            "type": "ir.actions.act_window",
            "view_mode": "form",
            "res_model": "mail.compose.message",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                **self.env.context,
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "model_description": self.env._("Supplier Scorecard"),
                **context,
            },
        }

    @api.model
    def _pdf_engine_available(self):
        """Whether wkhtmltopdf can make the PDF of a scorecard on this server."""
        return self.env["ir.actions.report"].get_wkhtmltopdf_state() not in (
            "install",
            "broken",
        )

    def write(self, vals):
        # Publishing shows a scorecard to the supplier; going back to draft hides it;
        # locking keeps it.
        if vals.get("state") in ("published", "draft"):
            vals = dict(vals, is_published=vals["state"] == "published")
        res = super().write(vals)
        if vals.get("is_published"):
            self._subscribe_buyers()
        return res

    @api.constrains("is_published", "has_data")
    def _check_published_has_data(self):
        # Whatever the entry point (button, list action, RPC create or write).
        empty = self.filtered(lambda c: c.is_published and not c.has_data)
        if empty:
            raise ValidationError(
                _(
                    "A scorecard without data cannot be published (the supplier had no deliveries, orders or ratings in the period): %s",  # noqa: E501
                    ", ".join(empty.mapped("display_name")),
                )
            )

    def _subscribe_buyers(self):
        """The supplier's buyer follows its published scorecards: the supplier's
        messages from the portal reach the buyer."""
        by_buyer = {}
        for card in self:
            # The alert's rule: the supplier's buyer in the card's company, else the
            # last order's buyer, else a purchase administrator.
            buyer = (
                self.env["supplier.alert"]
                .new(
                    {"partner_id": card.partner_id.id, "company_id": card.company_id.id}
                )
                ._responsible_buyer()
            )
            by_buyer.setdefault(buyer.partner_id, self.browse())
            by_buyer[buyer.partner_id] |= card
        for partner, cards in by_buyer.items():
            cards.message_subscribe(partner_ids=partner.ids)

    def action_publish(self):
        self._check_manager()
        self.filtered(lambda c: c.state == "draft").write({"state": "published"})

    def action_publish_send(self):
        """Publish, then open the composer: for one card the send wizard, for several
        the scorecard template in mass mode (one message per card)."""
        self.action_publish()
        if len(self) == 1:
            return self.action_send_scorecard()
        if not all(self.mapped("is_published")):
            raise UserError(
                _("Publish the scorecard before sending it to the supplier.")
            )
        if not self._pdf_engine_available():
            # The template attaches the PDF, which cannot be made here.
            raise UserError(
                _(
                    "No PDF engine on this server: send the scorecards one by one, with their portal link."  # noqa: E501
                )
            )
        template = self.env.ref(
            "supplier_evaluation.mail_template_supplier_scorecard",
            raise_if_not_found=False,
        )
        return self._composer_action(
            self.env._("Send Scorecards"),
            {
                "default_template_id": template.id if template else False,
                "default_composition_mode": "mass_mail",
            },
        )

    def action_lock(self):
        self._check_manager()
        self.filtered(lambda c: c.state != "locked").write({"state": "locked"})

    def action_reset_to_draft(self):
        self._check_manager()
        self.filtered(lambda c: c.state == "published").write({"state": "draft"})

    # ------------------------------------------------------------------ disputes
    def _dispute_lines(self):
        """{purchase line id: its facts} of the goods lines promised to this card's
        supplier in its period, as the engine counts them: order, product, promised
        date, quantity ordered, received (by the promised day and in all, last
        receipt) and returned, in the product's unit. Read as the system: the
        supplier's own lines only, whoever asks."""
        self.ensure_one()
        start, end = self._period_bounds(self.company_id, self.date_from, self.date_to)
        tz = self._company_tz(self.company_id)
        lines = (
            self.env["purchase.order.line"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("order_id.partner_id", "child_of", self.partner_id.id),
                    ("order_id.state", "in", ("purchase", "done")),
                    ("display_type", "=", False),
                    ("product_id.type", "!=", "service"),
                    ("date_planned", ">=", start),
                    ("date_planned", "<", end),
                ],
                order="date_planned, id",
            )
        )
        facts = {}
        for line in lines:
            promised = pytz.utc.localize(line.date_planned).astimezone(tz).date()
            received = returned = on_time = 0.0
            last = False
            for move in line.move_ids.filtered(lambda m: m.state == "done"):
                qty = move.product_uom._compute_quantity(
                    move.quantity, line.product_id.uom_id
                )
                if move.location_id.usage == "supplier":
                    received += qty
                    day = pytz.utc.localize(move.date).astimezone(tz).date()
                    on_time += qty if day <= promised else 0.0
                    last = max(last, move.date) if last else move.date
                elif move.location_dest_id.usage == "supplier":
                    returned += qty
            facts[line.id] = {
                "line": line,
                "order": line.order_id.name,
                "product": line.product_id.display_name,
                "promised": promised,
                "ordered": line.product_uom_qty,
                "received_on_time": on_time,
                "received": received,
                "last_receipt": last,
                "returned": returned,
                "uom": line.product_id.uom_id.name,
            }
        return facts

    def _correct(self, reason):
        """Score the published cards again (a new revision) and keep their figures
        as they stood, linked to them."""
        for card in self.filtered(lambda c: c.state == "published"):
            sudo = card.sudo()
            self.env["supplier.scorecard.revision"].sudo().create(
                {
                    "scorecard_id": card.id,
                    "revision": card.revision,
                    "total_score": card.total_score,
                    "grade": card.grade or "",
                    "reason": reason,
                    "figures": {
                        name: card[name]
                        for criterion in CRITERION_CODES
                        for name in (RAW_FIELDS[criterion], SCORE_FIELDS[criterion])
                    },
                }
            )
            sudo.write({"state": "draft"})
            sudo._evaluate(
                card.company_id,
                card.date_from,
                card.date_to,
                partners=card.partner_id,
                evaluate_rules=False,
            )
            sudo.write(
                {"state": "published", "correction_count": card.correction_count + 1}
            )
            card.message_post(
                body=_(
                    "Corrected: revision %(revision)s (%(reason)s). Total "
                    "%(old).1f → %(new).1f.",
                    revision=sudo.revision,
                    reason=reason,
                    old=sudo.revision_ids[:1].total_score,
                    new=sudo.total_score,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _check_manager(self):
        if not self.env.user.has_group(
            "supplier_evaluation.supplier_evaluation_group_manager"
        ):
            raise UserError(
                _("Only supplier evaluation administrators publish or lock scorecards.")
            )

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _analyse_period(self, company, date_from, card_ids):
        """Trends for the scorecards ``card_ids``, then clusters over the whole
        period."""
        engine.analyse(self.env, company, date_from, card_ids)

    @api.model
    def _rebuild_analysis(self):
        """Trends and cluster explanations of every period again (upgrade)."""
        engine.rebuild_analysis(self.env)

    @api.model
    def _cron_evaluate(self):
        """Score the previous period of every company, for suppliers with activity or an
        open scorecard. A company whose evaluation fails is logged and left out: the
        others' are kept."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, 1):
            try:
                with self.env.cr.savepoint():
                    self._evaluate_previous_period(company)
            except Exception:
                _logger.exception(
                    "Supplier evaluation of company %s (id %s) failed",
                    company.name,
                    company.id,
                )
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

    @api.model
    def _evaluate_previous_period(self, company):
        """The monthly run of one company: today's Kraljic suggestions, then the
        period before today's."""
        self.env["res.partner"].with_company(company)._update_kraljic_suggestions(
            company
        )
        day = self._company_today(company)
        date_from, date_to = periods.previous_period(day, company.supplier_period_type)
        return self._evaluate(company, date_from, date_to)

    @api.model
    def _evaluate(
        self,
        company,
        date_from,
        date_to,
        partners=None,
        evaluate_rules=True,
        kraljic_suggestion=None,
    ):
        """Score every supplier of ``company`` active in [date_from, date_to] (or
        ``partners``).

        Draft scorecards are replaced, published and locked ones kept. Alert rules run
        after scoring unless ``evaluate_rules`` is False. A draft keeps the Kraljic
        class and template it was scored with; a new card takes today's class, or the
        one of ``kraljic_suggestion`` ({partner id: class} as of the period's end).
        Returns the scorecards written.
        """
        return self._evaluate_periods(
            company,
            [(date_from, date_to)],
            partners=partners,
            evaluate_rules=evaluate_rules,
            kraljic_suggestions=None
            if kraljic_suggestion is None
            else [kraljic_suggestion],
        )

    @api.model
    def _evaluate_periods(
        self,
        company,
        period_list,
        partners=None,
        evaluate_rules=True,
        kraljic_suggestions=None,
    ):
        """_evaluate() of each period of ``period_list`` ((date_from, date_to) pairs,
        oldest first), in one pass: every source is read once for the whole range.
        The alert rules run for the last period only (a back-fill does not raise every
        past breach); ``kraljic_suggestions`` gives one suggestion per period."""
        ids = engine.evaluate(
            self.env,
            company,
            period_list,
            partner_ids=(
                np.array(partners.commercial_partner_id.ids, dtype=np.int64)
                if partners
                else None
            ),
            evaluate_rules=evaluate_rules,
            kraljic_suggestions=kraljic_suggestions,
        )
        return self.browse(ids.tolist())

    @api.model
    def _company_tz(self, company):
        """The zone the company's days are counted in: its own, else UTC. Never the
        running user's, so that a period's cards do not depend on who evaluates it (the
        same rule as customer_segmentation's res.company._customer_tz)."""
        return pytz.timezone(company.partner_id.tz or "UTC")

    @api.model
    def _company_today(self, company):
        """Today in the company's time zone."""
        now = pytz.utc.localize(fields.Datetime.now())
        return now.astimezone(self._company_tz(company)).date()

    @api.model
    def _period_bounds(self, company, date_from, date_to):
        """Naive UTC [start, end) of the company's days ``date_from`` to ``date_to``."""
        tz = self._company_tz(company)
        return _utc(tz, date_from), _utc(tz, date_to + datetime.timedelta(days=1))


def _utc(tz, day):
    """Naive UTC datetime of local midnight starting ``day``."""
    local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(pytz.utc).replace(tzinfo=None)
