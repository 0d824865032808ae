import numpy as np

from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib import cluster, periods, trend

# Clustering features: (scorecard column, label, higher is better)
CLUSTER_FEATURES = [
    ("on_time_rate", "on-time delivery", True),
    ("quality_rate", "quality", True),
    ("price_index", "price index", False),
    ("lead_time_avg", "lead time", False),
    ("lead_time_std", "lead-time spread", False),
    ("total_score", "total score", True),
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
    trend_warning = fields.Char(readonly=True)
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
    cluster_explanation = fields.Char(
        readonly=True,
        help="The cluster's centre, in standard deviations from all suppliers' "
        "average.",
    )

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
                   trend_points = v.points, trend_warning = v.warning
              FROM unnest(%s::int[], %s::float8[], %s::float8[], %s::float8[],
                  %s::float8[], %s::float8[],
                          %s::float8[], %s::int[], %s::varchar[]) AS v(id, ls, lr, lf,
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
        """A warning when lead time keeps growing with a good fit, or a forecast
        breaches a rule."""
        n = len(lead_fit["slope"])
        messages = [[] for _i in range(n)]
        growing = (
            (np.nan_to_num(lead_fit["slope"]) > 0)
            & (np.nan_to_num(lead_fit["r2"]) >= GROWTH_MIN_R2)
            & (lead_fit["points"] >= GROWTH_MIN_POINTS)
        )
        for i in np.flatnonzero(growing):
            messages[i].append(
                _(
                    "Lead time grows by %(slope).1f days per period (R² %(r2).2f): %(forecast).1f days expected next.",  # noqa: E501
                    slope=lead_fit["slope"][i],
                    r2=lead_fit["r2"][i],
                    forecast=lead_fit["forecast"][i],
                )
            )
        forecasts = {
            "lead_time_avg": lead_fit["forecast"],
            "on_time_rate": on_time_fit["forecast"],
        }
        rules = self.env["supplier.alert.rule"].search(
            [("company_id", "=", company.id), ("figure", "in", list(forecasts))]
        )
        for rule in rules:
            for i in np.flatnonzero(
                rule._threshold_breached_by(forecasts[rule.figure])
            ):
                messages[i].append(
                    _(
                        "Forecast breaches “%(rule)s”: %(value).1f expected next period.",  # noqa: E501
                        rule=rule.name,
                        value=forecasts[rule.figure][i],
                    )
                )
        return [" ".join(m) or None for m in messages]

    def _update_clusters(self, company, date_from):
        """k-means over all suppliers with data in the period; labelled from the cluster
        centres.

        The population is every card of the company's period, whoever was just scored
        and whatever its state; only drafts are written (published and locked cards are
        kept).
        """
        k = company.supplier_cluster_count
        columns = [name for name, _label, _better in CLUSTER_FEATURES]
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
        if not draft.any():
            return
        ids = np.array([r[0] for r in rows], dtype=np.int64)
        rows = [r[:1] + r[2:] for r in rows]
        if len(rows) < 3 * k:
            note = _(
                "No clusters: %(count)s suppliers with data, at least %(needed)s needed for %(k)s clusters.",  # noqa: E501
                count=len(rows),
                needed=3 * k,
                k=k,
            )
            self.env.cr.execute(
                SQL(
                    "UPDATE supplier_scorecard SET cluster_label = NULL, "
                    "cluster_explanation = %s WHERE id = ANY(%s)",
                    note,
                    ids[draft].tolist(),
                )
            )
            self.invalidate_model()
            return
        features = np.array(
            [[np.nan if v is None else v for v in r[1:]] for r in rows], dtype=float
        )
        z, _mean, _std = cluster.standardize(features)
        result = cluster.kmeans(z, k, seed=0)
        better = np.array([b for _n, _l, b in CLUSTER_FEATURES])
        labels, _merit = cluster.label_supplier_clusters(result["centers"], better)
        names = [label for _n, label, _b in CLUSTER_FEATURES]
        explanations = [
            "; ".join(cluster.describe_center(center, names, better))
            or self.env._("close to the average on every figure")
            for center in result["centers"]
        ]
        self.env.cr.execute(
            SQL(
                """
            UPDATE supplier_scorecard s SET cluster_label = v.label,
                cluster_explanation = v.explanation
              FROM unnest(%s::int[], %s::varchar[], %s::varchar[])
                  AS v(id, label, explanation)
             WHERE s.id = v.id
            """,
                ids[draft].tolist(),
                [labels[c] for c in result["labels"][draft].tolist()],
                [
                    self._cluster_explanation(explanations[c], z[i], names, better)
                    for i, c in zip(
                        np.flatnonzero(draft),
                        result["labels"][draft].tolist(),
                        strict=True,
                    )
                ],
            )
        )
        self.invalidate_model()

    def _cluster_explanation(self, group, own_z, names, better):
        """The group's centre and the supplier itself, each against the average: a
        supplier at 100 % quality in a group whose quality is low reads as such."""
        own = "; ".join(cluster.describe_center(own_z, names, better)) or self.env._(
            "close to the average on every figure"
        )
        return self.env._(
            "Group: %(group)s. This supplier: %(own)s.", group=group, own=own
        )


def _nullable(array):
    return [
        None if np.isnan(v) else float(v)
        for v in np.asarray(array, dtype=float).tolist()
    ]
