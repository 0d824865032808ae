import datetime

import numpy as np
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import SQL, format_amount, format_date

from ..engine import any_differs, sql_array
from ..lib import clusters, clv, crosssell, explain
from ..lib.sqlarrays import plain_array_literal

WEEK = 7.0
WEEKS_PER_MONTH = 365.25 / 12 / WEEK
# Profile columns written by the prediction steps, with their PostgreSQL types.
PREDICTION_COLUMNS = {
    "probability_alive": "float8",
    "expected_purchases": "float8",
    "expected_order_value": "float8",
    "lifetime_value": "float8",
    "cluster_index": "int4",
    "cluster_code": "varchar",
}
# Cluster features: (profile column, log-scaled); their words are the profile's
# (customer.profile._cluster_words).
CLUSTER_FEATURES = [
    ("recency_days", True),
    ("frequency", True),
    ("monetary", True),
    ("margin_share", False),
    ("payment_days", False),
]


MANAGER = "customer_segmentation.customer_segmentation_group_manager"
# Beyond this a + b the Beta dropout distribution is a spike: one chance for everyone.
SAME_DROPOUT = 1000


CLV_NUMBERS = [
    "clv_r",
    "clv_alpha",
    "clv_a",
    "clv_b",
    "clv_p",
    "clv_q",
    "clv_gamma",
    "clv_alive_share",
]


class CustomerSegmentationRun(models.Model):
    _inherit = "customer.segmentation.run"

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
    cluster_count = fields.Integer("Clusters", readonly=True)
    cluster_silhouette = fields.Float("Silhouette", readonly=True, digits=(4, 3))
    cluster_note = fields.Char("Clusters note", compute="_compute_prediction_texts")

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

    # ------------------------------------------------------------------ lifetime value
    def _fetch_order_days(self, company, period):
        """Per customer and order day (company time zone), over the customer's whole
        history up to the as-of day: the untaxed amount in company currency. The RFM
        window does not cut it: the purchase model needs each customer's first purchase
        ever."""
        self.env.cr.execute(
            SQL(
                """
            SELECT p.commercial_partner_id,
                   (o.date_order AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date - DATE
                       '1970-01-01',
                   SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %(company)s AND o.state = 'sale'
                 AND o.date_order < %(end)s
             GROUP BY 1, 2
             ORDER BY 1, 2
            """,
                tz=period["tz"],
                company=company.id,
                end=period["end"],
            )
        )
        rows = self.env.cr.fetchall()
        return {
            "partner": np.array([r[0] for r in rows], dtype=np.int64),
            "day": np.array([r[1] for r in rows], dtype=np.int64),
            "value": np.array([float(r[2] or 0.0) for r in rows], dtype=float),
        }

    @staticmethod
    def _rfm_inputs(days, until_day):
        """BG/NBD and Gamma-Gamma inputs (x, t_x, T in weeks, m) from the order days up
        to ``until_day`` included."""
        return clv.purchase_day_summary(
            days["partner"], days["day"], days["value"], until_day, WEEK
        )

    @staticmethod
    def _fit_purchases(x, t_x, T):
        patterns = clv.summarize_patterns(x, t_x, T)
        return clv.fit_bgnbd(
            patterns["x"], patterns["t_x"], patterns["T"], patterns["weights"]
        )

    @staticmethod
    def _format_parameters(params):
        """``name = value`` of each parameter, alpha with its unit (the models count in
        weeks)."""
        return ", ".join(
            f"{name} = {value:.5g}" + (" weeks" if name == "alpha" else "")
            for name, value in params.items()
        )

    def _predict_lifetime_value(self, company, today, days):
        today_day = _day_number(today)
        horizon = company.customer_clv_horizon_months
        customers, x, t_x, T, m = self._rfm_inputs(days, today_day)
        try:
            fit = self._fit_purchases(x, t_x, T)
            if not fit["converged"]:
                raise clv.NotEnoughData(fit["message"], "purchase_not_converged")
            repeat = (x > 0) & (m > 0)
            spend = clv.fit_gamma_gamma(x[repeat], m[repeat])
            if not spend["converged"]:
                raise clv.NotEnoughData(spend["message"], "spend_not_converged")
        except clv.NotEnoughData as error:
            self.write(
                {
                    "clv_parameters": False,
                    **dict.fromkeys(CLV_NUMBERS, 0.0),
                    "clv_calibration_parameters": False,
                    "prediction_notes": {
                        **(self.prediction_notes or {}),
                        "clv": _reason_codes(error),
                        "holdout": False,
                    },
                }
            )
            return None
        # Extreme fitted parameters can overflow the hypergeometric term for a few
        # customers: those predictions stay empty rather than invented.
        with np.errstate(all="ignore"):
            alive = clv.bgnbd_probability_alive(fit["params"], x, t_x, T)
            per_month = clv.bgnbd_expected_purchases_by_period(
                fit["params"], x, t_x, T, horizon, WEEKS_PER_MONTH
            )
            value = clv.gamma_gamma_expected_value(spend["params"], x, m)
            lifetime = clv.discounted_clv(
                np.nan_to_num(per_month, nan=0.0),
                value,
                horizon,
                company.customer_clv_discount_rate,
                12,
            )
        lifetime = np.where(np.isfinite(per_month).all(axis=1), lifetime, np.nan)
        report, calibration = self._holdout_report(company, today, days)
        self.write(
            {
                "clv_parameters": "; ".join(
                    self._format_parameters(p) for p in (fit["params"], spend["params"])
                ),
                **{
                    f"clv_{name}": float(value)
                    for name, value in {**fit["params"], **spend["params"]}.items()
                },
                "clv_alive_share": float(np.nanmean(alive) * 100),
                "clv_calibration_parameters": calibration
                and self._format_parameters(calibration),
                "prediction_notes": {
                    **(self.prediction_notes or {}),
                    "clv": False,
                    "holdout": report,
                },
            }
        )
        return customers, {
            "probability_alive": alive * 100,
            "expected_purchases": per_month.sum(axis=1),
            "expected_order_value": value,
            "lifetime_value": lifetime,
        }

    def _holdout_report(self, company, today, days):
        """Fit on the history up to the day before the last months (the holdout), then
        compare the purchases predicted in the holdout with the actual ones. Returns the
        check's figures (see _holdout_html) and the calibration fit's parameters (False
        when there is no check)."""
        holdout = company.customer_holdout_months
        calibration_end = today - relativedelta(
            months=holdout
        )  # its last day, included
        end_day, today_day = _day_number(calibration_end), _day_number(today)
        customers, x, t_x, T, _m = self._rfm_inputs(days, end_day)
        try:
            fit = self._fit_purchases(x, t_x, T)
        except clv.NotEnoughData as error:
            return {"reason": _reason_codes(error)}, False
        weeks = (today_day - end_day) / WEEK
        with np.errstate(all="ignore"):
            predicted = clv.bgnbd_expected_purchases(fit["params"], x, t_x, T, weeks)
        later = (days["day"] > end_day) & (days["day"] <= today_day)
        actual_counts = dict(
            zip(*np.unique(days["partner"][later], return_counts=True), strict=False)
        )
        actual = np.array(
            [actual_counts.get(pid, 0) for pid in customers.tolist()], dtype=float
        )
        finite = np.isfinite(predicted)
        if finite.sum() < 10:
            return {"end": str(calibration_end), "too_few": True}, False
        check = clv.holdout_check(predicted[finite], actual[finite])
        return {
            "end": str(calibration_end),
            "today": str(today),
            "months": holdout,
            "predicted": float(check["predicted_total"]),
            "actual": float(check["actual_total"]),
            "rows": [
                [int(count), float(pred), float(act)]
                for count, pred, act in zip(
                    check["count"].tolist(),
                    check["predicted"].tolist(),
                    check["actual"].tolist(),
                    strict=False,
                )
            ],
        }, fit["params"]

    def _write_predictions(self, company, lifetime, grouping):
        """One bulk update of the profiles' lifetime value and cluster columns, rows
        that change only; profiles left out of both (or all, when a step found nothing)
        are emptied."""
        empty = np.zeros(0, dtype=np.int64)
        ltv_partners, ltv = lifetime if lifetime is not None else (empty, {})
        cluster_partners, cluster = grouping if grouping is not None else (empty, {})
        partners = np.union1d(ltv_partners, cluster_partners).astype(np.int64)
        columns = {}
        for name in PREDICTION_COLUMNS:
            column = np.full(len(partners), None, dtype=object)
            for source_partners, source in (
                (ltv_partners, ltv),
                (cluster_partners, cluster),
            ):
                if name in source:
                    values = np.asarray(source[name])
                    if values.dtype.kind == "f":  # infinities stay empty, like NaN
                        values = np.where(
                            np.isfinite(values), np.round(values, 4), np.nan
                        )
                    column[np.searchsorted(partners, source_partners)] = values
            columns[name] = column
        names = SQL(", ").join(SQL.identifier(c) for c in PREDICTION_COLUMNS)
        partner_array = plain_array_literal(partners.tolist())
        if len(partners):
            self.env.cr.execute(
                SQL(
                    "UPDATE customer_profile p SET %s FROM unnest(%s::int[], %s) AS "
                    "v(partner_id, %s) WHERE p.company_id = %s AND p.partner_id = "
                    "v.partner_id AND (%s)",
                    SQL(", ").join(
                        SQL("%s = v.%s", SQL.identifier(c), SQL.identifier(c))
                        for c in PREDICTION_COLUMNS
                    ),
                    partner_array,
                    SQL(", ").join(
                        sql_array(columns[c], kind)
                        for c, kind in PREDICTION_COLUMNS.items()
                    ),
                    names,
                    company.id,
                    any_differs("p", "v", PREDICTION_COLUMNS),
                )
            )
        self.env.cr.execute(
            SQL(
                "UPDATE customer_profile SET %s WHERE company_id = %s AND (%s) AND "
                "partner_id <> ALL(%s::int[])",
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(c)) for c in PREDICTION_COLUMNS
                ),
                company.id,
                SQL(" OR ").join(
                    SQL("%s IS NOT NULL", SQL.identifier(c)) for c in PREDICTION_COLUMNS
                ),
                partner_array,
            )
        )
        self.env["customer.profile"].invalidate_model(list(PREDICTION_COLUMNS))

    # ------------------------------------------------------------------ clusters
    def _cluster_customers(self, company):
        self.env.cr.execute(
            SQL(
                """
            SELECT partner_id, segment_id, recency_days, frequency, monetary,
                   CASE WHEN margin_known AND monetary > 0 THEN margin / monetary END,
                       payment_days
              FROM customer_profile WHERE company_id = %s AND frequency > 0
                  ORDER BY partner_id
            """,
                company.id,
            )
        )
        rows = self.env.cr.fetchall()
        partners = np.array([r[0] for r in rows], dtype=np.int64)
        k = company.customer_cluster_count
        if len(rows) < 3 * max(k, 2) * 2:
            self.write(
                {
                    "cluster_count": 0,
                    "cluster_silhouette": 0.0,
                    "prediction_notes": {
                        **(self.prediction_notes or {}),
                        "clusters": len(rows),
                    },
                    "cluster_table": False,
                }
            )
            return None
        features = np.array(
            [[np.nan if v is None else float(v) for v in r[2:]] for r in rows],
            dtype=float,
        )
        z, _mean, _std = clusters.log_standardize(
            features, [i for i, (_n, log) in enumerate(CLUSTER_FEATURES) if log]
        )
        strata = np.array([r[1] or 0 for r in rows])
        scores = {}
        if not k:
            k, scores = clusters.choose_k(
                z, range(2, 7), sample_size=3000, strata=strata, seed=0
            )
            k = k or 2
        result = clusters.kmeans(z, k, seed=0)
        sample = clusters.stratified_sample(strata, 3000, seed=0)
        silhouette = (
            scores.get(k)
            if scores
            else clusters.silhouette(z[sample], result["labels"][sample])
        )
        codes = clusters.trait_codes(
            result["centers"], [name for name, _log in CLUSTER_FEATURES]
        )
        labels = result["labels"]
        # Customers that all look alike have no silhouette (NaN): it shows as 0.
        silhouette = (
            float(silhouette)
            if silhouette is not None and np.isfinite(silhouette)
            else 0.0
        )
        self.write(
            {
                "cluster_count": k,
                "cluster_silhouette": silhouette,
                "prediction_notes": {
                    key: value
                    for key, value in (self.prediction_notes or {}).items()
                    if key != "clusters"
                },
                "cluster_table": self._cluster_table(company, features, labels, codes),
            }
        )
        return partners, {
            "cluster_index": labels + 1,
            "cluster_code": np.array([codes[c] for c in labels.tolist()], dtype=object),
        }

    def _cluster_table(self, company, features, labels, codes):
        """Per cluster, largest first: its traits' code, size, revenue and its typical
        (median) customer in units."""
        table = []
        for cluster in np.argsort(-np.bincount(labels), kind="stable").tolist():
            members = features[labels == cluster]
            recency, orders, typical_revenue, _margin, pay = (
                float(np.nanmedian(members[:, i]))
                if np.isfinite(members[:, i]).any()
                else None
                for i in range(members.shape[1])
            )
            table.append(
                {
                    "code": codes[cluster],
                    "size": len(members),
                    "revenue": float(np.nansum(members[:, 2])),
                    "recency": recency,
                    "orders": orders,
                    "typical_revenue": typical_revenue,
                    "pay": pay,
                }
            )
        return table

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

    # ------------------------------------------------------------------ cross-sell
    def _crosssell_rules(self, company, period):
        """Pairs per segment counted in SQL (top products only), then top suggestions
        per customer."""
        self.env.cr.execute(
            SQL(
                """
            DROP TABLE IF EXISTS customer_bought;
            CREATE TEMP TABLE customer_bought ON COMMIT DROP AS
            WITH bought AS (
                SELECT DISTINCT p.commercial_partner_id AS partner, l.product_id
                  FROM sale_order_line l
                  JOIN sale_order o ON o.id = l.order_id
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.company_id = %(company)s AND o.state = 'sale'
                   AND o.date_order >= %(start)s AND o.date_order < %(end)s
                   AND l.product_id IS NOT NULL AND l.display_type IS NULL
                       AND l.product_uom_qty > 0
            )
            SELECT bought.partner, bought.product_id, c.id AS profile_id, c.segment_id
              FROM bought
              JOIN customer_profile c ON c.partner_id = bought.partner
                  AND c.company_id = %(company)s
             WHERE c.segment_id IS NOT NULL;
            CREATE INDEX ON customer_bought (partner);
            -- the pair count below self-joins this table: it must be planned from its
            -- real size
            ANALYZE customer_bought;
            """,
                company=company.id,
                start=period["start"],
                end=period["end"],
            )
        )
        self.env.cr.execute(
            SQL(
                """
            WITH top AS (
                SELECT product_id FROM customer_bought GROUP BY product_id
                 ORDER BY COUNT(*) DESC, product_id LIMIT %(max_products)s
            ), seg AS MATERIALIZED (
                SELECT b.partner, b.product_id,
                    b.segment_id FROM customer_bought b JOIN top USING (product_id)
            ), n_segment AS (
                SELECT segment_id, COUNT(DISTINCT partner) AS n FROM seg
                    GROUP BY segment_id
            ), n_product AS (
                SELECT segment_id, product_id,
                    COUNT(*) AS n FROM seg GROUP BY segment_id, product_id
            ), pairs AS (
                SELECT a.segment_id, a.product_id AS product_a,
                    b.product_id AS product_b, COUNT(*) AS n_ab
                  FROM seg a JOIN seg b ON b.partner = a.partner
                      AND b.segment_id = a.segment_id
                                       AND b.product_id <> a.product_id
                 GROUP BY a.segment_id, a.product_id, b.product_id
                HAVING COUNT(*) >= %(min_customers)s
            )
            SELECT pairs.segment_id, pairs.product_a, pairs.product_b, s.n, na.n, nb.n,
                pairs.n_ab
              FROM pairs
              JOIN n_segment s ON s.segment_id = pairs.segment_id
              JOIN n_product na ON na.segment_id = pairs.segment_id
                  AND na.product_id = pairs.product_a
              JOIN n_product nb ON nb.segment_id = pairs.segment_id
                  AND nb.product_id = pairs.product_b
             WHERE pairs.n_ab::float8 * s.n > na.n::float8 * nb.n  -- lift > 1
            """,
                company=company.id,
                max_products=company.customer_crosssell_max_products,
                min_customers=company.customer_crosssell_min_customers,
            )
        )
        pairs = np.array(self.env.cr.fetchall(), dtype=np.int64).reshape(-1, 7)
        segment, a, b, n_seg, n_a, n_b, n_ab = pairs.T
        with np.errstate(invalid="ignore", divide="ignore"):
            rules = {
                "group": segment,
                "a": a,
                "b": b,
                "n_group": n_seg,
                "n_a": n_a,
                "n_b": n_b,
                "n_ab": n_ab,
                "support": n_ab / np.maximum(n_seg, 1),
                "confidence": n_ab / np.maximum(n_a, 1),
                "lift": (n_ab / np.maximum(n_a, 1)) / (n_b / np.maximum(n_seg, 1)),
            }
        uid, now = self.env.uid, fields.Datetime.now()
        self._sync_rows(
            "customer_crosssell_rule",
            company,
            ("segment_id", "product_a_id", "product_b_id"),
            {
                "segment_id": ("int4", segment),
                "product_a_id": ("int4", a),
                "product_b_id": ("int4", b),
                "segment_customers": ("int4", n_seg),
                "customers_a": ("int4", n_a),
                "customers_ab": ("int4", n_ab),
                "support": ("float8", np.round(rules["support"], 4)),
                "confidence": ("float8", np.round(rules["confidence"], 4)),
                "lift": ("float8", np.round(rules["lift"], 2)),
            },
            uid,
            now,
        )
        self._write_suggestions(company, rules if len(segment) else None, uid, now)
        self.env.cr.execute(SQL("DROP TABLE customer_bought"))
        self.crosssell_rule_count = len(segment)
        self.env["customer.crosssell.suggestion"].invalidate_model()
        self.env["customer.crosssell.rule"].invalidate_model()

    def _write_suggestions(self, company, rules, uid, now):
        """Top suggestions per customer of a segment, synced into
        customer_crosssell_suggestion."""
        found = None
        if rules is not None:
            self.env.cr.execute(
                SQL(
                    """
                SELECT profile_id, partner, segment_id, array_agg(product_id)
                  FROM customer_bought GROUP BY profile_id, partner, segment_id
                """
                )
            )
            rows = self.env.cr.fetchall()
            if rows:
                groups = np.array([r[2] for r in rows], dtype=np.int64)
                found = crosssell.recommend(
                    [np.array(r[3], dtype=np.int64) for r in rows],
                    rules,
                    top_n=company.customer_crosssell_top_n,
                    customer_group=groups,
                )
        if found is None or not len(found["customer"]):
            found, profiles = (
                {
                    k: []
                    for k in (
                        "customer",
                        "rank",
                        "product",
                        "because",
                        "confidence",
                        "lift",
                    )
                },
                [],
            )
        else:
            profiles = np.array([r[0] for r in rows], dtype=np.int64)[found["customer"]]
        self._sync_rows(
            "customer_crosssell_suggestion",
            company,
            ("profile_id", "rank"),
            {
                "profile_id": ("int4", profiles),
                "rank": ("int4", found["rank"]),
                "product_id": ("int4", found["product"]),
                "because_product_id": ("int4", found["because"]),
                "confidence": (
                    "float8",
                    np.round(np.asarray(found["confidence"], dtype=float), 4),
                ),
                "lift": ("float8", np.round(np.asarray(found["lift"], dtype=float), 4)),
            },
            uid,
            now,
        )

    def _sync_rows(self, table, company, keys, columns, uid, now):
        """Make the company's rows of ``table`` those given (column -> (type, values)),
        matched on ``keys``: delete the missing, update the changed, insert the new. A
        rerun on unchanged data writes nothing."""
        names = list(columns)
        self.env.cr.execute(
            SQL(
                "CREATE TEMP TABLE customer_sync_rows ON COMMIT DROP AS SELECT * FROM "
                "unnest(%s) AS v(%s)",
                SQL(", ").join(
                    sql_array(values, kind) for kind, values in columns.values()
                ),
                SQL(", ").join(SQL.identifier(c) for c in names),
            )
        )
        self.env.cr.execute("ANALYZE customer_sync_rows")
        same_key = SQL(" AND ").join(
            SQL("t.%s = n.%s", SQL.identifier(k), SQL.identifier(k)) for k in keys
        )
        value_names = [c for c in names if c not in keys]
        self.env.cr.execute(
            SQL(
                "DELETE FROM %s t WHERE t.company_id = %s AND NOT EXISTS (SELECT 1 "
                "FROM customer_sync_rows n WHERE %s)",
                SQL.identifier(table),
                company.id,
                same_key,
            )
        )
        self.env.cr.execute(
            SQL(
                "UPDATE %s t SET %s, write_uid = %s, write_date = %s FROM "
                "customer_sync_rows n WHERE t.company_id = %s AND %s AND (%s)",
                SQL.identifier(table),
                SQL(", ").join(
                    SQL("%s = n.%s", SQL.identifier(c), SQL.identifier(c))
                    for c in value_names
                ),
                uid,
                now,
                company.id,
                same_key,
                any_differs("t", "n", value_names),
            )
        )
        # What is left once the known keys are removed is new. (An anti-join inside the
        # INSERT would re-read, for each row, the rows it has just inserted: quadratic.)
        self.env.cr.execute(
            SQL(
                "DELETE FROM customer_sync_rows n USING %s t WHERE t.company_id = %s "
                "AND %s",
                SQL.identifier(table),
                company.id,
                same_key,
            )
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO %s (company_id, %s, create_uid, create_date, write_uid, "
                "write_date) SELECT %s, %s, %s, %s, %s, %s FROM customer_sync_rows n",
                SQL.identifier(table),
                SQL(", ").join(SQL.identifier(c) for c in names),
                company.id,
                SQL(", ").join(SQL("n.%s", SQL.identifier(c)) for c in names),
                uid,
                now,
                uid,
                now,
            )
        )
        self.env.cr.execute("DROP TABLE customer_sync_rows")


def _day_number(day):
    """Days since 1970-01-01: the day numbers of :meth:`_fetch_order_days`."""
    return (day - datetime.date(1970, 1, 1)).days


def _reason_codes(error):
    """A NotEnoughData as JSON: its code and parameters (worded by _reason)."""
    params = {
        key: int(value) if isinstance(value, float) and value.is_integer() else value
        for key, value in error.params.items()
    }
    return {"code": error.code, "message": str(error), **params}
