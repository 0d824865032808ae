import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .. import demo
from ..lib import explain


class ResCompany(models.Model):
    _inherit = "res.company"

    customer_window_months = fields.Integer("Analysis window (months)", default=24)
    customer_tier_basis = fields.Selection(
        [("revenue", "Revenue"), ("margin", "Margin")],
        "Tier basis",
        default="revenue",
        required=True,
    )
    customer_strategic_cut = fields.Float(
        "Strategic up to (cumulative share)",
        default=0.80,
        help="Share of the tier basis (stored as a fraction, shown in percent): the "
        "best customers that together make up to this share are strategic.",
    )
    customer_key_cut = fields.Float(
        "Key up to (cumulative share)",
        default=0.95,
        help="Share of the tier basis (stored as a fraction, shown in percent): after "
        "the strategic ones, customers up to this share are key.",
    )
    customer_tier_hysteresis = fields.Integer(
        "Runs before a tier drops",
        default=2,
        help="A customer loses its tier only after this many runs in a row below its "
        "cut-off.",
    )
    customer_rfm_method = fields.Selection(
        [
            ("quintile", "Quintiles (ties share a score)"),
            ("threshold", "Fixed thresholds"),
        ],
        "RFM scoring",
        default="quintile",
        required=True,
    )
    customer_recency_thresholds = fields.Char(
        "Recency thresholds (days)",
        default="30, 90, 180, 365",
        help="Four increasing numbers of days: fewer days than the first scores 5, "
        "more than the last scores 1.",
    )
    customer_frequency_thresholds = fields.Char(
        "Frequency thresholds (orders)",
        default="2, 3, 5, 10",
        help="Four increasing order counts: below the first scores 1, from the last on "
        "scores 5.",
    )
    customer_monetary_thresholds = fields.Char(
        "Monetary thresholds",
        default="1000, 5000, 20000, 100000",
        help="Four increasing amounts in company currency: below the first scores 1, "
        "from the last on scores 5.",
    )

    customer_clv_horizon_months = fields.Integer(
        "Lifetime value horizon (months)", default=12
    )
    customer_clv_discount_rate = fields.Float(
        "Annual discount rate",
        default=0.10,
        help="Stored as a fraction, shown in percent: 10 % values an order a year "
        "from now at 1/1.1 of one today.",
    )
    customer_holdout_months = fields.Integer("Holdout check (months)", default=3)
    customer_cluster_count = fields.Integer(
        "Customer clusters",
        default=0,
        help="0 chooses the number by silhouette on a stratified sample.",
    )
    customer_model_refit_days = fields.Integer(
        "Refit the predictions every (days)",
        default=7,
        help="A nightly run reuses the lifetime value and cluster models fitted at "
        "most this many days before; 0 refits them on every run.",
    )
    customer_crosssell_min_customers = fields.Integer(
        "Cross-sell: minimum customers", default=3
    )
    customer_crosssell_max_products = fields.Integer(
        "Cross-sell: products considered",
        default=300,
        help="Only the most sold products are paired, to bound the work.",
    )
    customer_crosssell_top_n = fields.Integer(
        "Cross-sell: suggestions per customer", default=5
    )

    @api.constrains(
        "customer_clv_horizon_months",
        "customer_clv_discount_rate",
        "customer_holdout_months",
        "customer_cluster_count",
        "customer_crosssell_min_customers",
        "customer_crosssell_max_products",
        "customer_crosssell_top_n",
        "customer_model_refit_days",
    )
    def _check_customer_prediction_settings(self):
        for company in self:
            if company.customer_model_refit_days < 0:
                raise ValidationError(
                    _("The models are refitted every 0 days or more.")
                )
            if (
                company.customer_clv_horizon_months < 1
                or company.customer_holdout_months < 1
            ):
                raise ValidationError(
                    _(
                        "The lifetime value horizon and the holdout need at least one month."  # noqa: E501
                    )
                )
            if company.customer_holdout_months >= company.customer_window_months:
                raise ValidationError(
                    _("The holdout must be shorter than the analysis window.")
                )
            if not 0 <= company.customer_clv_discount_rate < 1:
                raise ValidationError(
                    _(
                        "The annual discount rate is between 0 %% and 100 %% (e.g. 10 %%), not %s %%.",  # noqa: E501
                        explain.percent(company.customer_clv_discount_rate),
                    )
                )
            if (
                company.customer_cluster_count < 0
                or company.customer_cluster_count == 1
                or company.customer_cluster_count > 12
            ):
                raise ValidationError(
                    _("Customer clusters: 0 (automatic) or between 2 and 12.")
                )
            if (
                company.customer_crosssell_min_customers < 1
                or company.customer_crosssell_max_products < 2
                or company.customer_crosssell_top_n < 1
            ):
                raise ValidationError(
                    _(
                        "Cross-sell settings must be positive (and at least two products)."  # noqa: E501
                    )
                )

    @api.constrains(
        "customer_window_months",
        "customer_strategic_cut",
        "customer_key_cut",
        "customer_tier_hysteresis",
    )
    def _check_customer_segmentation_settings(self):
        for company in self:
            if company.customer_window_months <= 0:
                raise ValidationError(
                    _("The analysis window must be at least one month.")
                )
            if not 0 < company.customer_strategic_cut < company.customer_key_cut <= 1:
                raise ValidationError(
                    _(
                        "Tier cut-offs must be in order: 0 %% < strategic (%(strategic)s %%) < key (%(key)s %%) ≤ 100 %%.",  # noqa: E501
                        strategic=explain.percent(company.customer_strategic_cut),
                        key=explain.percent(company.customer_key_cut),
                    )
                )
            if company.customer_tier_hysteresis < 1:
                raise ValidationError(
                    _("A tier drops after at least one run below its cut-off.")
                )

    @api.constrains(
        "customer_recency_thresholds",
        "customer_frequency_thresholds",
        "customer_monetary_thresholds",
    )
    def _check_customer_thresholds(self):
        for company in self:
            for name in (
                "customer_recency_thresholds",
                "customer_frequency_thresholds",
                "customer_monetary_thresholds",
            ):
                company._customer_thresholds(name)

    def _customer_thresholds(self, field_name):
        """The four increasing, non-negative numbers of a threshold setting."""
        self.ensure_one()
        label = self._fields[field_name]._description_string(self.env)
        try:
            values = [
                float(part)
                for part in (self[field_name] or "").replace(";", ",").split(",")
            ]
        except ValueError:
            values = []
        if (
            len(values) != 4
            or any(v < 0 for v in values)
            or any(b <= a for a, b in zip(values, values[1:], strict=False))
        ):
            raise ValidationError(
                _(
                    "%(setting)s: give four increasing, non-negative numbers separated by commas (got “%(value)s”).",  # noqa: E501
                    setting=label,
                    value=self[field_name] or "",
                )
            )
        return values

    # ---------------------------------------------------------------- the company's day
    def _customer_tz(self):
        """The time zone the company's days are counted in: its own, else UTC. Never the
        running user's, so that a run's figures do not depend on who starts it (the same
        rule as supplier_evaluation's supplier.scorecard._company_tz)."""
        self.ensure_one()
        return pytz.timezone(self.partner_id.tz or "UTC")

    def _customer_today(self):
        """Today in the company's time zone."""
        return (
            pytz.utc.localize(fields.Datetime.now())
            .astimezone(self._customer_tz())
            .date()
        )

    def _customer_day_start(self, day):
        """The UTC (naive) datetime at which ``day`` begins, at midnight in the
        company's time zone."""
        local = self._customer_tz().localize(
            datetime.datetime.combine(day, datetime.time.min)
        )
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _customer_period(self, as_of=None):
        """The bounds every step of a run counts in: the as-of day (the company's today
        by default), the first day of the analysis window, and their local midnights in
        UTC (``end`` is the midnight after the as-of day, excluded)."""
        self.ensure_one()
        today = self._customer_today()
        as_of = fields.Date.to_date(as_of) if as_of else today
        if as_of > today:
            raise UserError(
                _(
                    "A segmentation runs as of today or a past date, not %(date)s (today is %(today)s).",  # noqa: E501
                    date=as_of,
                    today=today,
                )
            )
        window_start = as_of - relativedelta(months=self.customer_window_months)
        return {
            "as_of": as_of,
            "window_start": window_start,
            "tz": self._customer_tz().zone,
            "start": self._customer_day_start(window_start),
            "end": self._customer_day_start(as_of + datetime.timedelta(days=1)),
        }

    @api.model
    def _customer_segmentation_load_demo(self):
        """Entry point of data/customer_segmentation_demo.xml: the demo history of the
        main company, as of its today."""
        company = self.env.ref("base.main_company")
        demo.generate_history(self.env, company, company._customer_today())
