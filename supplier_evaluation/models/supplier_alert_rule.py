import numpy as np

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..lib import periods, trend
from ..lib.vocabulary import KRALJIC_CODES

FIGURES = [
    ("on_time_rate", "On-time delivery (%)"),
    ("in_full_rate", "In full (%)"),
    ("quality_rate", "Quality acceptance (%)"),
    ("price_index", "Price index (%)"),
    ("lead_time_avg", "Lead time (days)"),
    ("lead_time_std", "Lead time spread (days)"),
    ("total_score", "Total score"),
]
COMPARISONS = [
    ("<", "below"),
    ("<=", "at or below"),
    (">", "above"),
    (">=", "at or above"),
]
COMPARE = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}


class SupplierAlertRule(models.Model):
    _name = "supplier.alert.rule"
    _description = "Supplier Alert Rule"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    figure = fields.Selection(FIGURES, required=True, default="on_time_rate")
    comparison = fields.Selection(COMPARISONS, required=True, default="<")
    threshold = fields.Float(required=True, default=90.0)
    consecutive_periods = fields.Integer(
        "Consecutive periods",
        required=True,
        default=3,
        help="Periods with no data break a run: they count neither as breach nor as "
        "pass.",
    )
    apply_strategic = fields.Boolean("Strategic", default=True)
    apply_leverage = fields.Boolean("Leverage", default=True)
    apply_bottleneck = fields.Boolean("Bottleneck", default=True)
    apply_routine = fields.Boolean("Routine", default=True)
    action = fields.Selection(
        [
            ("alert", "Alert only"),
            ("activity", "Alert and activity for the buyer"),
            ("request", "Alert, activity and corrective action request"),
        ],
        required=True,
        default="request",
    )
    due_days = fields.Integer("Answer due in (days)", default=14)
    description = fields.Char(compute="_compute_description")

    @api.depends("figure", "comparison", "threshold", "consecutive_periods")
    @api.depends_context("lang")
    def _compute_description(self):
        for rule in self:
            rule.description = self.env._(
                "%(figure)s %(comparison)s %(threshold)s for %(count)s periods in a row",  # noqa: E501
                figure=dict(
                    self._fields["figure"]._description_selection(self.env)
                ).get(rule.figure),
                comparison=dict(
                    self._fields["comparison"]._description_selection(self.env)
                ).get(rule.comparison),
                threshold=rule.threshold,
                count=rule.consecutive_periods,
            )

    @api.constrains("consecutive_periods", "due_days", "threshold", "figure")
    def _check_values(self):
        for rule in self:
            if rule.consecutive_periods < 1:
                raise ValidationError(_("A rule needs at least one period."))
            if rule.due_days < 0:
                raise ValidationError(_("The answer cannot be due before the request."))
            if rule.threshold < 0:
                raise ValidationError(_("Thresholds cannot be negative."))

    def _classes(self):
        return {name for name in KRALJIC_CODES if self[f"apply_{name}"]}

    # ------------------------------------------------------------------ evaluation
    @api.model
    def _evaluate_rules(self, company, date_from, partner_ids):
        """Fire every active rule of ``company`` whose run of breaches ends with the
        period starting ``date_from``."""
        rules = self.search([("company_id", "=", company.id)])
        alerts = self.env["supplier.alert"]
        for rule in rules:
            alerts |= rule._fire(company, date_from, partner_ids)
        return alerts

    def _fire(self, company, date_from, partner_ids):
        self.ensure_one()
        period_type = company.supplier_period_type
        starts = [date_from]
        for _i in range(self.consecutive_periods - 1):
            starts.insert(0, periods.previous_period(starts[0], period_type)[0])
        cards = self._fetch_history(company, starts, partner_ids)
        if not cards["partner"].size:
            return self.env["supplier.alert"]
        partners = np.unique(cards["partner"])
        column = np.array(
            [starts.index(day) for day in cards["date_from"].tolist()], dtype=np.int64
        )
        row = np.searchsorted(partners, cards["partner"])
        value = np.full((len(partners), len(starts)), np.nan)
        value[row, column] = cards["value"]
        latest_class = np.full(len(partners), None, dtype=object)
        last = column == len(starts) - 1
        latest_class[row[last]] = cards["kraljic_class"][last]
        no_data = np.isnan(value)
        breach = (
            COMPARE[self.comparison](np.nan_to_num(value), self.threshold) & ~no_data
        )
        runs = trend.breach_runs(breach, no_data)
        fired = (runs >= self.consecutive_periods) & np.isin(
            latest_class, list(self._classes())
        )
        fired_ids = partners[fired].tolist()
        if not fired_ids:
            return self.env["supplier.alert"]
        already = set(
            self.env["supplier.alert"]
            .search(
                [
                    ("rule_id", "=", self.id),
                    ("partner_id", "in", fired_ids),
                    ("state", "=", "open"),
                ]
            )
            .partner_id.ids
        )
        fired_ids = [pid for pid in fired_ids if pid not in already]
        card_ids = cards["id"][np.isin(cards["partner"], fired_ids)]
        cards_by_partner = {}
        for card in self.env["supplier.scorecard"].browse(card_ids.tolist()):
            cards_by_partner.setdefault(
                card.partner_id.id, self.env["supplier.scorecard"]
            )
            cards_by_partner[card.partner_id.id] |= card
        return self.env["supplier.alert"]._raise_alerts(
            self, company, fired_ids, cards_by_partner
        )

    def _fetch_history(self, company, starts, partner_ids):
        self.env.cr.execute(
            SQL(
                """
            SELECT id, partner_id, date_from, %(figure)s, kraljic_class
              FROM supplier_scorecard
             WHERE company_id = %(company)s AND date_from = ANY(%(starts)s) AND has_data
                   %(partners)s
            """,
                figure=SQL.identifier(self.figure),
                company=company.id,
                starts=starts,
                partners=SQL("AND partner_id = ANY(%s)", list(partner_ids))
                if partner_ids is not None
                else SQL(),
            )
        )
        rows = self.env.cr.fetchall()
        return {
            "id": np.array([r[0] for r in rows], dtype=np.int64),
            "partner": np.array([r[1] for r in rows], dtype=np.int64),
            "date_from": np.array([r[2] for r in rows], dtype=object),
            "value": np.array(
                [np.nan if r[3] is None else r[3] for r in rows], dtype=float
            ),
            "kraljic_class": np.array([r[4] for r in rows], dtype=object),
        }

    def _threshold_breached_by(self, values):
        """Which of ``values`` (e.g. forecasts) breach this rule's threshold."""
        self.ensure_one()
        values = np.asarray(values, dtype=float)
        return COMPARE[self.comparison](
            np.nan_to_num(values), self.threshold
        ) & ~np.isnan(values)
