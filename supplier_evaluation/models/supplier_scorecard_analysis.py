import json

import numpy as np

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib import cluster, periods, trend

# Clustering features: (scorecard column, higher is better); worded in
# _cluster_feature_labels.
CLUSTER_FEATURES = [
    ("on_time_rate", True),
    ("quality_rate", True),
    ("price_index", False),
    ("lead_time_avg", False),
    ("lead_time_std", False),
    ("total_score", True),
]
# "Keeps growing with a good fit": a positive slope, R² at least this, over at least 4
# periods.
GROWTH_MIN_R2 = 0.7
GROWTH_MIN_POINTS = 4


class SupplierScorecard(models.Model):
    _inherit = "supplier.scorecard"

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

    @api.model
    def _analyse_period(self, company, date_from, card_ids):
        """Trends for the scorecards just written, then clusters over the whole
        period."""
        self._update_trends(company, date_from, card_ids)
        self._update_clusters(company, date_from)

    def _update_trends(self, company, date_from, card_ids):
        if not card_ids:
            return
        n_periods = company.supplier_trend_periods
        starts = [date_from]
        for _i in range(n_periods - 1):
            starts.insert(
                0, periods.previous_period(starts[0], company.supplier_period_type)[0]
            )
        ids = np.array(sorted(set(card_ids)), dtype=np.int64)
        # Two single-table reads matched in numpy (a supplier has one card per period):
        # a self-join here is planned from whatever statistics the table has and, during
        # a back-fill, becomes a nested loop over every card of the window for each
        # card.
        self.env.cr.execute(
            SQL(
                "SELECT id, partner_id FROM supplier_scorecard WHERE id = ANY(%s) "
                "ORDER BY id",
                ids.tolist(),
            )
        )
        row_of_partner = {
            partner: i for i, (_id, partner) in enumerate(self.env.cr.fetchall())
        }
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, date_from, lead_time_avg, on_time_rate
              FROM supplier_scorecard
             WHERE company_id = %s AND date_from = ANY(%s) AND partner_id = ANY(%s)
                 AND has_data
            """,
                company.id,
                starts,
                list(row_of_partner),
            )
        )
        rows = self.env.cr.fetchall()
        lead = np.full((len(ids), n_periods), np.nan)
        on_time = np.full((len(ids), n_periods), np.nan)
        if rows:
            row = np.array([row_of_partner[r[0]] for r in rows])
            column = np.array([starts.index(r[1]) for r in rows])
            lead[row, column] = [np.nan if r[2] is None else r[2] for r in rows]
            on_time[row, column] = [np.nan if r[3] is None else r[3] for r in rows]
        lead_fit, on_time_fit = trend.linear_trends(lead), trend.linear_trends(on_time)
        warnings = self._trend_warnings(company, lead_fit, on_time_fit)
        self.env.cr.execute(
            SQL(
                """
            UPDATE supplier_scorecard s
               SET lead_time_slope = v.ls, lead_time_r2 = v.lr,
                   lead_time_forecast = v.lf,
                   on_time_slope = v.os, on_time_r2 = v.orr, on_time_forecast = v.of,
                   trend_points = v.points, trend_warning_data = v.warning
              FROM unnest(%s::int[], %s::float8[], %s::float8[], %s::float8[],
                  %s::float8[], %s::float8[],
                          %s::float8[], %s::int[], %s::jsonb[]) AS v(id, ls, lr, lf,
                              os, orr, of, points, warning)
             WHERE s.id = v.id
            """,
                ids.tolist(),
                *(
                    _nullable(a)
                    for a in (
                        lead_fit["slope"],
                        lead_fit["r2"],
                        lead_fit["forecast"],
                        on_time_fit["slope"],
                        on_time_fit["r2"],
                        on_time_fit["forecast"],
                    )
                ),
                np.maximum(lead_fit["points"], on_time_fit["points"]).tolist(),
                warnings,
            )
        )
        self.invalidate_model()

    def _trend_warnings(self, company, lead_fit, on_time_fit):
        """Per card, as JSON: lead time keeps growing with a good fit, or a forecast
        breaches a rule (see trend_warning_data)."""
        n = len(lead_fit["slope"])
        warnings = [{} for _i in range(n)]
        growing = (
            (np.nan_to_num(lead_fit["slope"]) > 0)
            & (np.nan_to_num(lead_fit["r2"]) >= GROWTH_MIN_R2)
            & (lead_fit["points"] >= GROWTH_MIN_POINTS)
        )
        for i in np.flatnonzero(growing):
            warnings[i]["growth"] = [
                round(float(lead_fit[key][i]), 4) for key in ("slope", "r2", "forecast")
            ]
        forecasts = {
            "lead_time_avg": lead_fit["forecast"],
            "on_time_rate": on_time_fit["forecast"],
        }
        rules = self.env["supplier.alert.rule"].search(
            [("company_id", "=", company.id), ("figure", "in", list(forecasts))]
        )
        for rule in rules.with_context(lang="en_US"):
            for i in np.flatnonzero(
                rule._threshold_breached_by(forecasts[rule.figure])
            ):
                warnings[i].setdefault("rules", []).append(
                    [rule.id, rule.name, round(float(forecasts[rule.figure][i]), 4)]
                )
        return [json.dumps(w) if w else None for w in warnings]

    def _update_clusters(self, company, date_from, explain_kept=False):
        """k-means over all suppliers with data in the period; labelled from the cluster
        centres.

        The population is every card of the company's period, whoever was just scored
        and whatever its state; only drafts are written (published and locked cards are
        kept), except the explanation of kept cards with ``explain_kept`` (upgrade).
        """
        k = company.supplier_cluster_count
        columns = [name for name, _better in CLUSTER_FEATURES]
        self.env.cr.execute(
            SQL(
                "SELECT id, state = 'draft', %s FROM supplier_scorecard WHERE "
                "company_id = %s AND date_from = %s AND has_data ORDER BY id",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                company.id,
                date_from,
            )
        )
        rows = self.env.cr.fetchall()
        draft = np.array([r[1] for r in rows], dtype=bool)
        written = np.ones(len(rows), dtype=bool) if explain_kept else draft
        if not written.any():
            return
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        rows = [r[:1] + r[2:] for r in rows]
        if len(rows) < 3 * k:
            self.env.cr.execute(
                SQL(
                    "UPDATE supplier_scorecard SET cluster_label = CASE WHEN state = "
                    "'draft' THEN NULL ELSE cluster_label END, "
                    "cluster_explanation_data = %s WHERE id = ANY(%s)",
                    json.dumps({"none": [len(rows), 3 * k, k]}),
                    ids[written].tolist(),
                )
            )
            self.invalidate_model()
            return
        features = np.array(
            [[np.nan if v is None else v for v in r[1:]] for r in rows], dtype=float
        )
        z, _mean, _std = cluster.standardize(features)
        result = cluster.kmeans(z, k, seed=0)
        better = np.array([b for _n, b in CLUSTER_FEATURES])
        labels, _merit = cluster.label_supplier_clusters(result["centers"], better)
        groups = [_feature_codes(center) for center in result["centers"]]
        self.env.cr.execute(
            SQL(
                """
            UPDATE supplier_scorecard s SET cluster_label = CASE
                    WHEN s.state = 'draft' THEN v.label ELSE s.cluster_label END,
                cluster_explanation_data = v.explanation
              FROM unnest(%s::int[], %s::varchar[], %s::jsonb[])
                  AS v(id, label, explanation)
             WHERE s.id = v.id
            """,
                ids[written].tolist(),
                [labels[c] for c in result["labels"][written].tolist()],
                [
                    # The group's centre and the supplier itself, each against the
                    # average: a supplier at 100 % quality in a group whose quality is
                    # low reads as such.
                    json.dumps({"group": groups[c], "own": _feature_codes(z[i])})
                    for i, c in zip(
                        np.flatnonzero(written),
                        result["labels"][written].tolist(),
                        strict=True,
                    )
                ],
            )
        )
        self.invalidate_model()

    @api.model
    def _rebuild_analysis(self):
        """Trends and cluster explanations of every period again (upgrade from texts
        stored in the language of the run to codes)."""
        self.env.cr.execute(
            "SELECT company_id, date_from, array_agg(id) FROM supplier_scorecard "
            "GROUP BY company_id, date_from ORDER BY company_id, date_from"
        )
        for company_id, date_from, card_ids in self.env.cr.fetchall():
            company = self.env["res.company"].browse(company_id)
            self._update_trends(company, date_from, card_ids)
            self._update_clusters(company, date_from, explain_kept=True)


def _feature_codes(z):
    """describe_center's codes with the feature's column instead of its index."""
    return [
        [CLUSTER_FEATURES[i][0], direction]
        for i, direction in cluster.describe_center(z)
    ]


def _nullable(array):
    return [
        None if np.isnan(v) else float(v)
        for v in np.asarray(array, dtype=float).tolist()
    ]
