import datetime

import numpy as np
import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from ..lib import metrics, periods, scoring
from ..lib.sqlarrays import array_literal
from .supplier_evaluation_template import KRALJIC_CLASSES
from .supplier_evaluation_template_line import CRITERIA

GRADES = [("A", "A"), ("B", "B"), ("C", "C")]
# criterion -> raw figure field
RAW_FIELDS = {
    "on_time": "on_time_rate",
    "in_full": "in_full_rate",
    "quality": "quality_rate",
    "price": "price_index",
    "lead_time": "lead_time_avg",
    "lead_time_std": "lead_time_std",
    "service": "service_rating",
    "communication": "communication_rating",
    "cooperation": "cooperation_rating",
}
SCORE_FIELDS = {criterion: f"score_{criterion}" for criterion in RAW_FIELDS}
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
)
# Lead times beyond a year are data errors whatever their spread.
LEAD_TIME_HARD_MAX_DAYS = 365.0
# Robust rule: a lead time beyond median + 10 scaled MADs (of the company, in the
# period) is absurd.
LEAD_TIME_OUTLIER_K = 10.0
# The done quantity of move ``m`` in its product's unit. stock_move.product_qty is the
# demand (what was ordered), quantity what was done, in the move's unit: converted as
# uom.uom._compute_quantity does (qty / from factor * to factor, HALF-UP to the unit's
# rounding).
MOVE_QTY_JOINS = SQL(
    "JOIN uom_uom move_uom ON move_uom.id = m.product_uom "
    "JOIN product_product move_pp ON move_pp.id = m.product_id "
    "JOIN product_template move_pt ON move_pt.id = move_pp.product_tmpl_id "
    "JOIN uom_uom product_uom ON product_uom.id = move_pt.uom_id"
)
MOVE_QTY = SQL(
    "(CASE WHEN move_uom.id = product_uom.id THEN m.quantity "
    "ELSE ROUND(m.quantity / move_uom.factor * product_uom.factor "
    "/ product_uom.rounding) "
    "* product_uom.rounding END)::float8"
)
# A duplicate receipt is one receipt recorded twice: same picking, line, quantity and
# second. Two pickings (a backorder validated in the same second) are two receipts.
SAME_RECEIPT = SQL(
    "m.picking_id, m.purchase_line_id, m.quantity, src.usage, "
    "date_trunc('second', m.date)"
)
# Refresh the planner statistics of supplier_scorecard after inserting at least this
# many rows.
ANALYZE_AFTER_INSERTS = 1000


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
    kraljic_class = fields.Selection(KRALJIC_CLASSES, readonly=True)
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

    def _check_manager(self):
        if not self.env.user.has_group(
            "supplier_evaluation.supplier_evaluation_group_manager"
        ):
            raise UserError(
                _("Only supplier evaluation administrators publish or lock scorecards.")
            )

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _cron_evaluate(self):
        """Score the previous period of every company, for suppliers with activity or an
        open scorecard."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, 1):
            self.env["res.partner"].with_company(company)._update_kraljic_suggestions(
                company
            )
            day = self._company_today(company)
            date_from, date_to = periods.previous_period(
                day, company.supplier_period_type
            )
            self._evaluate(company, date_from, date_to)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

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
        after scoring unless ``evaluate_rules`` is False (a back-fill checks them once,
        at its last period, rather than raising alerts for every past breach). A draft
        keeps the Kraljic class and template it was scored with; a new card takes
        today's class, or the one of ``kraljic_suggestion`` ({partner id: class} as of
        the period's end, for a back-fill). Returns the scorecards written.
        """
        self.env.flush_all()
        period_type = company.supplier_period_type
        tz = self._company_tz(company)
        start, end = self._period_bounds(company, date_from, date_to)
        partner_filter = list(partners.commercial_partner_id.ids) if partners else None

        due = self._fetch_due_lines(company, start, end, tz.zone, partner_filter)
        moves = self._fetch_moves(company, start, end)
        prices = self._fetch_prices(
            company, start, end
        )  # all vendors: prices compare across them
        ratings = self._fetch_ratings(company, date_from, date_to, partner_filter)
        existing = self._fetch_existing(company, date_from, date_to, partner_filter)

        if partner_filter is not None:
            # Suppliers asked for by name get a scorecard even without activity ("no
            # data").
            partner_ids = np.unique(np.array(partner_filter, dtype=np.int64))
        else:
            partner_ids = np.unique(
                np.concatenate(
                    [
                        due["partner"],
                        moves["partner"],
                        prices["partner"],
                        ratings["partner"],
                        existing["partner"],
                    ]
                )
            ).astype(np.int64)
        n = len(partner_ids)
        if not n:
            return self.browse()
        index = {pid: i for i, pid in enumerate(partner_ids.tolist())}
        figures, counts = self._compute_figures(
            partner_ids, due, moves, prices, ratings
        )
        raw = np.column_stack([figures[criterion] for criterion, _label in CRITERIA])
        has_data = (
            counts["line_count"]
            + counts["receipt_count"]
            + counts["price_product_count"]
            + counts["rating_count"]
        ) > 0

        classes, template_ids, templates = self._templates_for(
            company, partner_ids, existing, index, suggestion=kraljic_suggestion
        )
        scores = np.full(raw.shape, np.nan)
        totals = np.full(n, np.nan)
        for template in templates:
            rows = np.flatnonzero(template_ids == template.id)
            if not len(rows):
                continue
            columns = [
                i
                for i, (criterion, _l) in enumerate(CRITERIA)
                if criterion in template.line_ids.mapped("criterion")
            ]
            lines = {line.criterion: line for line in template.line_ids}
            poor = np.array([lines[CRITERIA[i][0]].poor_value for i in columns])
            excellent = np.array(
                [lines[CRITERIA[i][0]].excellent_value for i in columns]
            )
            weights = np.array([lines[CRITERIA[i][0]].weight for i in columns])
            block = scoring.linear_scores(raw[np.ix_(rows, columns)], poor, excellent)
            scores[np.ix_(rows, columns)] = block
            totals[rows] = scoring.weighted_total(block, weights)
        totals[~has_data] = np.nan
        grades = scoring.grades(
            totals, company.supplier_grade_a_min, company.supplier_grade_b_min
        )
        previous = self._fetch_previous_totals(
            company, date_from, period_type, partner_ids
        )

        values = {
            "partner_id": partner_ids,
            "kraljic_class": classes,
            "template_id": template_ids,
            "has_data": has_data,
            "total_score": totals,
            "grade": grades,
            "previous_total": previous,
            "total_change": totals - previous,
            **{RAW_FIELDS[c]: raw[:, i] for i, (c, _l) in enumerate(CRITERIA)},
            **{SCORE_FIELDS[c]: scores[:, i] for i, (c, _l) in enumerate(CRITERIA)},
            **counts,
        }
        ids = self._write_scorecards(
            company, date_from, date_to, period_type, values, existing, index
        )
        cards = self.browse(ids)
        self._analyse_period(company, date_from, ids)
        if evaluate_rules:
            self.env["supplier.alert.rule"]._evaluate_rules(
                company, date_from, partner_filter
            )
        return cards

    def _compute_figures(self, partner_ids, due, moves, prices, ratings):
        """Per-supplier raw figures (criterion -> array) and sample/exclusion counts."""
        n = len(partner_ids)

        def group(rows):
            return np.searchsorted(partner_ids, rows["partner"])

        figures, counts = {}, {}
        usable = due["kind"] == 0
        otif = metrics.on_time_in_full(
            group(due)[usable], due["ordered"][usable], due["received"][usable], n
        )
        figures["on_time"] = otif["on_time"] * 100
        figures["in_full"] = otif["in_full"] * 100
        counts["line_count"] = otif["line_count"]
        counts["qty_due"] = otif["qty_due"]
        due_group = group(due)
        counts["excluded_cancelled"] = np.bincount(
            due_group[due["kind"] == 1], minlength=n
        )
        counts["excluded_service"] = np.bincount(
            due_group[due["kind"] == 2], minlength=n
        )

        # The outlier cut is computed over every receipt of the company in the period,
        # then the moves of suppliers not scored here are dropped: scope never changes a
        # figure.
        duplicate = moves["copy_no"] > 1
        receipt = moves["is_receipt"] & ~duplicate
        keep_all = np.ones(len(receipt), dtype=bool)
        keep_all[receipt] = metrics.robust_keep_mask(
            moves["days"][receipt],
            k=LEAD_TIME_OUTLIER_K,
            hard_max=LEAD_TIME_HARD_MAX_DAYS,
        )
        scored = np.isin(moves["partner"], partner_ids)
        moves = {name: column[scored] for name, column in moves.items()}
        duplicate, receipt, keep_all = (
            duplicate[scored],
            receipt[scored],
            keep_all[scored],
        )
        move_group = group(moves)
        returned = ~moves["is_receipt"]
        counts["excluded_duplicate"] = np.bincount(move_group[duplicate], minlength=n)
        received_qty = np.where(receipt, moves["qty"], 0.0)
        returned_qty = np.where(returned, moves["qty"], 0.0)
        quality = metrics.quality(move_group, received_qty, returned_qty, n)
        figures["quality"] = quality["quality"] * 100
        counts["qty_received"] = quality["qty_received"]
        counts["qty_returned"] = quality["qty_returned"]

        lead = metrics.lead_time(
            move_group[receipt],
            moves["days"][receipt],
            moves["qty"][receipt],
            n,
            keep=keep_all[receipt],
        )
        figures["lead_time"] = lead["lead_time"]
        figures["lead_time_std"] = lead["lead_time_std"]
        counts["excluded_lead_time"] = lead["excluded"]
        counts["receipt_count"] = np.bincount(move_group[receipt], minlength=n)

        # Prices cover every vendor of the company; scatter the result to the scored
        # suppliers.
        vendors, price_group = np.unique(prices["partner"], return_inverse=True)
        goods = prices["kind"] == 0
        price = metrics.price_index(
            price_group[goods],
            prices["product"][goods],
            prices["unit_price"][goods],
            prices["spend"][goods],
            len(vendors),
        )
        spend = np.bincount(
            price_group[goods], weights=prices["spend"][goods], minlength=len(vendors)
        )
        no_promise = np.bincount(
            price_group[prices["kind"] == 3], minlength=len(vendors)
        )
        position = np.minimum(
            np.searchsorted(vendors, partner_ids), max(len(vendors) - 1, 0)
        )
        found = (
            vendors[position] == partner_ids
            if len(vendors)
            else np.zeros(n, dtype=bool)
        )
        figures["price"] = np.full(n, np.nan)
        counts["price_product_count"] = np.zeros(n, dtype=np.int64)
        counts["spend"] = np.zeros(n)
        counts["excluded_no_promise"] = np.zeros(n, dtype=np.int64)
        figures["price"][found] = price["price"][position[found]] * 100
        counts["price_product_count"][found] = price["price_products"][position[found]]
        counts["spend"][found] = spend[position[found]]
        counts["excluded_no_promise"][found] = no_promise[position[found]]

        rating_group = group(ratings)
        counts["rating_count"] = np.bincount(rating_group, minlength=n)
        for criterion in ("service", "communication", "cooperation"):
            values = ratings[criterion]
            rated = ~np.isnan(values)
            total = np.bincount(rating_group[rated], weights=values[rated], minlength=n)
            number = np.bincount(rating_group[rated], minlength=n)
            with np.errstate(invalid="ignore", divide="ignore"):
                figures[criterion] = np.where(
                    number > 0, total / np.maximum(number, 1), np.nan
                )
        return figures, counts

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

    # ------------------------------------------------------------------ data access
    def _fetch_due_lines(self, company, start, end, tz_name, partner_ids):
        """Purchase lines promised in the period: kind 0 = usable, 1 = cancelled order,
        2 = service."""
        self.env.cr.execute(
            SQL(
                """
            WITH due AS (
                SELECT l.id, p.commercial_partner_id AS partner,
                       l.product_uom_qty AS ordered,
                       (l.date_planned AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                           AS promised,
                       CASE WHEN o.state = 'cancel' THEN 1
                            WHEN t.type = 'service' THEN 2
                            ELSE 0 END AS kind
                  FROM purchase_order_line l
                  JOIN purchase_order o ON o.id = l.order_id
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN product_product pp ON pp.id = l.product_id
                  JOIN product_template t ON t.id = pp.product_tmpl_id
                 WHERE l.company_id = %(company)s
                   AND l.display_type IS NULL
                   AND l.date_planned >= %(start)s AND l.date_planned < %(end)s
                   AND o.state IN ('purchase', 'done', 'cancel')
                   %(partner_filter)s
            ), receipts AS (
                SELECT m.purchase_line_id, %(qty)s AS qty, m.date,
                       ROW_NUMBER() OVER (PARTITION BY %(same_receipt)s ORDER BY m.id)
                           AS copy_no
                  FROM stock_move m
                  %(qty_joins)s
                  JOIN stock_location src ON src.id = m.location_id
                 WHERE m.purchase_line_id IN (SELECT id FROM due WHERE kind = 0)
                   AND m.state = 'done' AND src.usage = 'supplier'
            )
            SELECT due.partner, due.kind, due.ordered,
                   COALESCE(SUM(r.qty) FILTER (
                       WHERE r.copy_no = 1
                         AND (r.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                             <= due.promised), 0)
              FROM due
              LEFT JOIN receipts r ON r.purchase_line_id = due.id
             GROUP BY due.id, due.partner, due.kind, due.ordered
            """,
                tz=tz_name,
                company=company.id,
                start=start,
                end=end,
                qty=MOVE_QTY,
                qty_joins=MOVE_QTY_JOINS,
                same_receipt=SAME_RECEIPT,
                partner_filter=_partner_filter("p.commercial_partner_id", partner_ids),
            )
        )
        return _columns(
            self.env.cr.fetchall(),
            ("partner", "kind", "ordered", "received"),
            (np.int64, np.int8, float, float),
        )

    def _fetch_moves(self, company, start, end):
        """Receipts from and returns to suppliers done in the period, with their lead
        time.

        Every supplier of the company: the lead-time outlier cut is the company's,
        whoever is scored.
        """
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id, %(qty)s, src.usage = 'supplier',
                   EXTRACT(EPOCH FROM (m.date - o.date_approve)) / 86400.0,
                   CASE WHEN src.usage = 'supplier' THEN ROW_NUMBER() OVER (
                        PARTITION BY %(same_receipt)s ORDER BY m.id) ELSE 1 END
              FROM stock_move m
              %(qty_joins)s
              JOIN stock_location src ON src.id = m.location_id
              JOIN stock_location dst ON dst.id = m.location_dest_id
              LEFT JOIN stock_move origin ON origin.id = m.origin_returned_move_id
              JOIN purchase_order_line l
                ON l.id = COALESCE(m.purchase_line_id, origin.purchase_line_id)
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
             WHERE m.company_id = %(company)s
               AND m.state = 'done'
               AND m.date >= %(start)s AND m.date < %(end)s
               AND (src.usage = 'supplier' OR dst.usage = 'supplier')
               AND o.state IN ('purchase', 'done')
            """,
                company=company.id,
                start=start,
                end=end,
                qty=MOVE_QTY,
                qty_joins=MOVE_QTY_JOINS,
                same_receipt=SAME_RECEIPT,
            )
        )
        return _columns(
            self.env.cr.fetchall(),
            ("partner", "qty", "is_receipt", "days", "copy_no"),
            (np.int64, float, bool, float, np.int64),
        )

    def _fetch_prices(self, company, start, end):
        """Lines confirmed in the period: spend in company currency and unit price per
        product unit.

        kind 0 = goods, 2 = service, 3 = no promised date.
        """
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id, l.product_id,
                   l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1) AS spend,
                   l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1)
                       / NULLIF(l.product_uom_qty, 0),
                   CASE WHEN l.date_planned IS NULL THEN 3
                        WHEN t.type = 'service' THEN 2
                        ELSE 0 END
              FROM purchase_order_line l
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template t ON t.id = pp.product_tmpl_id
             WHERE o.company_id = %(company)s
               AND o.date_approve >= %(start)s AND o.date_approve < %(end)s
               AND o.state IN ('purchase', 'done')
               AND l.display_type IS NULL
            """,
                company=company.id,
                start=start,
                end=end,
            )
        )
        return _columns(
            self.env.cr.fetchall(),
            ("partner", "product", "spend", "unit_price", "kind"),
            (np.int64, np.int64, float, float, np.int8),
        )

    def _fetch_ratings(self, company, date_from, date_to, partner_ids):
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, service::float8, communication::float8,
                   cooperation::float8
              FROM supplier_rating r
             WHERE company_id = %(company)s
               AND date BETWEEN %(date_from)s AND %(date_to)s
                   %(partner_filter)s
            """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=_partner_filter("r.partner_id", partner_ids),
            )
        )
        return _columns(
            self.env.cr.fetchall(),
            ("partner", "service", "communication", "cooperation"),
            (np.int64, float, float, float),
        )

    def _fetch_existing(self, company, date_from, date_to, partner_ids):
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, id, state = 'draft', kraljic_class, template_id
              FROM supplier_scorecard s
             WHERE company_id = %(company)s
               AND date_from = %(date_from)s AND date_to = %(date_to)s
                   %(partner_filter)s
            """,
                company=company.id,
                date_from=date_from,
                date_to=date_to,
                partner_filter=_partner_filter("s.partner_id", partner_ids),
            )
        )
        return _columns(
            self.env.cr.fetchall(),
            ("partner", "id", "is_draft", "kraljic_class", "template_id"),
            (np.int64, np.int64, bool, object, object),
        )

    def _fetch_previous_totals(self, company, date_from, period_type, partner_ids):
        prev_from, prev_to = periods.previous_period(date_from, period_type)
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, total_score FROM supplier_scorecard
             WHERE company_id = %s AND date_from = %s AND date_to = %s
               AND partner_id = ANY(%s)
            """,
                company.id,
                prev_from,
                prev_to,
                partner_ids.tolist(),
            )
        )
        previous = np.full(len(partner_ids), np.nan)
        rows = self.env.cr.fetchall()
        if rows:
            found = np.array([r[0] for r in rows])
            previous[np.searchsorted(partner_ids, found)] = [
                np.nan if r[1] is None else r[1] for r in rows
            ]
        return previous

    def _templates_for(self, company, partner_ids, existing, index, suggestion=None):
        """The Kraljic class and template id of each supplier, and the templates they
        name.

        A scorecard already written for the period keeps the class and template it was
        scored with (a rerun of unchanged data gives the same total, whatever the class
        became since). Others take the supplier's class from ``suggestion`` ({partner
        id: class}) when given (with the manager's override first), today's otherwise;
        routine when unknown.
        """
        partners = (
            self.env["res.partner"].with_company(company).browse(partner_ids.tolist())
        )
        if suggestion is not None:
            classes = partners._supplier_kraljic_classes(company, suggestion)
        else:
            classes = np.array(
                [c or "routine" for c in partners.mapped("supplier_kraljic_class")],
                dtype=object,
            )
        template_ids = np.full(len(partner_ids), None, dtype=object)
        stored = np.array([bool(c) for c in existing["kraljic_class"]], dtype=bool)
        if stored.any():
            rows = np.array([index[p] for p in existing["partner"][stored].tolist()])
            classes[rows] = existing["kraljic_class"][stored]
            template_ids[rows] = existing["template_id"][stored]
        Template = self.env["supplier.evaluation.template"].with_context(
            active_test=False
        )
        kept = Template.browse({t for t in template_ids.tolist() if t}).exists()
        kept_ids = set(kept.ids)
        # A template deleted since: the current template of the stored class.
        template_ids = np.array(
            [t if t in kept_ids else None for t in template_ids.tolist()], dtype=object
        )
        templates = self.env["supplier.evaluation.template"].search(
            [("company_id", "=", company.id)]
        )
        by_class = {t.kraljic_class: t.id for t in templates}
        unset = np.array([t is None for t in template_ids.tolist()], dtype=bool)
        missing = set(classes[unset].tolist()) - set(by_class)
        if missing:
            raise UserError(
                _(
                    "Company %(company)s has no evaluation template for: %(classes)s.",
                    company=company.name,
                    classes=", ".join(sorted(missing)),
                )
            )
        template_ids[unset] = [by_class[c] for c in classes[unset].tolist()]
        return classes, template_ids, templates | kept

    def _write_scorecards(
        self, company, date_from, date_to, period_type, values, existing, index
    ):
        """Insert new scorecards and update drafts in two statements; never touch the
        others."""
        n = len(values["partner_id"])
        existing_id = np.zeros(n, dtype=np.int64)
        writable = np.ones(n, dtype=bool)
        if len(existing["partner"]):
            rows = np.array([index[p] for p in existing["partner"].tolist()])
            existing_id[rows] = existing["id"]
            writable[rows] = existing["is_draft"]
        columns = [name for name in values if name != "partner_id"]
        arrays = {name: _sql_list(values[name]) for name in columns}
        types = {name: _sql_type(self._fields[name]) for name in columns}
        uid, now = self.env.uid, fields.Datetime.now()

        update = writable & (existing_id > 0)
        if update.any():
            self.env.cr.execute(
                SQL(
                    "UPDATE supplier_scorecard s "
                    "SET %s, write_uid = %s, write_date = %s "
                    "FROM unnest(%s::int[], %s) AS v(id, %s) WHERE s.id = v.id",
                    SQL(", ").join(
                        SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c))
                        for c in columns
                    ),
                    uid,
                    now,
                    array_literal(existing_id[update].tolist()),
                    SQL(", ").join(
                        SQL(
                            "%s::%s",
                            array_literal(
                                [arrays[c][i] for i in np.flatnonzero(update)]
                            ),
                            SQL(types[c] + "[]"),
                        )
                        for c in columns
                    ),
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                )
            )
        insert = existing_id == 0
        new_ids = []
        if insert.any():
            rows = np.flatnonzero(insert)
            self.env.cr.execute(
                SQL(
                    "INSERT INTO supplier_scorecard (partner_id, company_id, "
                    "period_type, date_from, date_to, "
                    "state, create_uid, create_date, write_uid, write_date, %s) "
                    "SELECT v.partner_id, %s, %s, %s, %s, 'draft', %s, %s, %s, %s, %s "
                    "FROM unnest(%s::int[], %s) AS v(partner_id, %s) RETURNING id",
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                    company.id,
                    period_type,
                    date_from,
                    date_to,
                    uid,
                    now,
                    uid,
                    now,
                    SQL(", ").join(SQL("v.%s", SQL.identifier(c)) for c in columns),
                    array_literal(values["partner_id"][rows].tolist()),
                    SQL(", ").join(
                        SQL(
                            "%s::%s",
                            array_literal([arrays[c][i] for i in rows]),
                            SQL(types[c] + "[]"),
                        )
                        for c in columns
                    ),
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                )
            )
            new_ids = [r[0] for r in self.env.cr.fetchall()]
            if len(new_ids) >= ANALYZE_AFTER_INSERTS:
                # The trend, cluster and alert statements that follow join this table on
                # the rows just written. Autovacuum cannot see them before the commit,
                # so the statistics are those of the last autovacuum (e.g. "0 rows" over
                # the pages of deleted drafts): each join is then planned for one row
                # and runs as a nested loop over the table, O(n^2), minutes per month in
                # a back-fill. ANALYZE here samples our own rows.
                self.env.cr.execute("ANALYZE supplier_scorecard")
        self.invalidate_model()
        return existing_id[update].tolist() + new_ids


def _utc(tz, day):
    """Naive UTC datetime of local midnight starting ``day``."""
    local = tz.localize(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(pytz.utc).replace(tzinfo=None)


def _partner_filter(column, partner_ids):
    if partner_ids is None:
        return SQL()
    return SQL("AND %s = ANY(%s)", SQL(column), partner_ids)


def _columns(rows, names, dtypes):
    """Turn fetched rows into a dict of numpy columns (NULL -> NaN for floats)."""
    if not rows:
        return {
            name: np.array([], dtype=dtype)
            for name, dtype in zip(names, dtypes, strict=False)
        }
    columns = list(zip(*rows, strict=False))
    result = {}
    for name, dtype, column in zip(names, dtypes, columns, strict=False):
        if dtype is float:
            result[name] = np.array(
                [np.nan if v is None else v for v in column], dtype=float
            )
        else:
            result[name] = np.array(column, dtype=dtype)
    return result


def _sql_list(array):
    """Python list for an SQL array: NaN and empty strings become NULL, numpy scalars
    plain values."""
    if array.dtype.kind == "f":
        return [None if np.isnan(v) else float(v) for v in array.tolist()]
    if array.dtype.kind in "iu":
        return [int(v) for v in array.tolist()]
    if array.dtype.kind == "b":
        return [bool(v) for v in array.tolist()]
    return [v if v not in ("", None) else None for v in array.tolist()]


def _sql_type(field):
    return {
        "float": "float8",
        "monetary": "numeric",
        "integer": "int4",
        "boolean": "bool",
        "many2one": "int4",
        "selection": "varchar",
    }[field.type]
