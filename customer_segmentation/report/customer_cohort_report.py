import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import GROUPING_MEMORY, READING_SETTINGS, local_settings
from ..lib.vocabulary import TIER_SELECTION as TIERS

# The report's query runs as the engine's reads, without JIT (its compilation took 7 of
# 22 s on the 200,000-customer benchmark) and with the memory to group and sort the
# customers' months (487,000 there) without spilling to disk.
QUERY_SETTINGS = {**READING_SETTINGS, **GROUPING_MEMORY}

# What the sales reports read, flushed before they are (the models' _depends).
SALES_DEPENDS = {
    "sale.order": [
        "state",
        "date_order",
        "amount_untaxed",
        "currency_rate",
        "partner_id",
        "company_id",
    ],
    "account.move": [
        "move_type",
        "state",
        "invoice_date",
        "amount_untaxed_signed",
        "partner_id",
        "company_id",
    ],
    "res.partner": ["commercial_partner_id", "user_id"],
}
PROFILE_DEPENDS = ["tier", "segment_id", "partner_id", "company_id"]


def ratio_select(model, query, numerator, denominator):
    """A report measure that is a ratio of two sums over the grouped rows (a share of
    customers, of revenue), in %: not the sum or the mean of the rows' ratios."""
    return SQL(
        "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
        model._field_to_sql(model._table, numerator, query),
        model._field_to_sql(model._table, denominator, query),
    )


def month_key(day):
    """A calendar month as one integer (year * 12 + month - 1): months subtract."""
    return day.year * 12 + day.month - 1


def company_months(env):
    """Per company, as SQL VALUES: the key of the first month counted, the key of the
    company's current month, and the UTC instants at which each month from the first
    one begins in the company's time zone (res.company._customer_day_start, the one
    definition of the company's day). ``width_bucket`` places an order among them:
    no time-zone conversion per order."""
    env.cr.execute("SELECT MIN(date_order), MAX(date_order) FROM sale_order")
    oldest, newest = env.cr.fetchone()
    rows = []
    for company in env["res.company"].sudo().search([]):
        today = company._customer_today()
        # A day either side covers any time zone's offset from UTC.
        first = (oldest.date() if oldest else today) - relativedelta(days=1)
        last = max((newest.date() if newest else today) + relativedelta(days=1), today)
        first_key, last_key = month_key(first), month_key(last)
        bounds = [
            company._customer_day_start(datetime.date(key // 12, key % 12 + 1, 1))
            for key in range(first_key, last_key + 2)
        ]
        rows.append(
            SQL(
                "(%s, %s, %s, %s::timestamp[])",
                company.id,
                first_key,
                month_key(today),
                bounds,
            )
        )
    return SQL("VALUES %s", SQL(", ").join(rows))


def month_date_sql(key):
    return SQL("make_date(%s / 12, mod(%s, 12) + 1, 1)", key, key)


class CustomerCohortReport(models.Model):
    """Customers grouped by the month of their first confirmed order (their cohort), and
    per later month how many of them still bought and the net revenue they brought.

    One row per cohort, months after it, and the customers' current tier, segment and
    salesperson (so that filters and record rules apply); a month in which nobody of
    the group bought has a row too, so that its share reads 0 % and not "no data"."""

    _name = "customer.cohort.report"
    _description = "Customer Cohorts"
    _auto = False
    _order = "cohort_month, month_offset"
    # Flushed before the view is read.
    _depends = {**SALES_DEPENDS, "customer.profile": PROFILE_DEPENDS}

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    cohort_month = fields.Date(
        "First order (month)",
        readonly=True,
        help="Month of the customer's first confirmed order, in the company's time "
        "zone.",
    )
    month = fields.Date(readonly=True)
    month_offset = fields.Integer(
        "Months after first order", readonly=True, aggregator=None
    )
    tier = fields.Selection(TIERS, readonly=True)
    segment_id = fields.Many2one("customer.segment", "Segment", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    cohort_customers = fields.Integer(
        "Customers in cohort",
        readonly=True,
        help="Counted in the month of the first order (month 0), so that a total over "
        "months counts each customer once.",
    )
    buying_count = fields.Integer("Customers buying", readonly=True)
    # The denominator of the share on every row of the group (not a measure).
    base_count = fields.Integer(readonly=True, aggregator=None)
    retention = fields.Float(
        "Still buying (%)",
        readonly=True,
        aggregator="sum",
        digits=(16, 1),
        help="Customers of the cohort who confirmed an order in the month, over the "
        "cohort's customers. Over several months: the average month.",
    )
    revenue = fields.Monetary(
        "Net revenue",
        readonly=True,
        currency_field="currency_id",
        help="Confirmed orders in company currency less posted credit notes.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH months(company_id, first_key, today_key, bounds) AS (%(months)s),
            -- The orders and credit notes summed once per customer and month. A month
            -- with an order is one customer buying; a credit note only brings its
            -- amount.
            monthly AS (
                SELECT company_id, partner_id, month_key, MAX(buying) AS buying,
                       SUM(revenue) AS revenue
                  FROM (SELECT o.company_id, p.commercial_partner_id AS partner_id,
                               m.first_key + width_bucket(o.date_order, m.bounds) - 1
                                   AS month_key,
                               1 AS buying,
                               o.amount_untaxed
                                   / COALESCE(NULLIF(o.currency_rate, 0), 1) AS revenue
                          FROM sale_order o
                          JOIN res_partner p ON p.id = o.partner_id
                          JOIN months m ON m.company_id = o.company_id
                         WHERE o.state = 'sale'
                         UNION ALL
                        SELECT r.company_id, p.commercial_partner_id,
                               (date_part('year', r.invoice_date) * 12
                                + date_part('month', r.invoice_date) - 1)::int,
                               0, r.amount_untaxed_signed
                          FROM account_move r
                          JOIN res_partner p ON p.id = r.partner_id
                         WHERE r.move_type = 'out_refund' AND r.state = 'posted') a
                 GROUP BY 1, 2, 3
            ),
            -- The customer's cohort, the month of its first order, in the same pass
            -- (a window over the customer's months, not a second grouping joined back).
            dated AS (
                SELECT company_id, partner_id, month_key, buying, revenue,
                       MIN(month_key) FILTER (WHERE buying = 1)
                           OVER (PARTITION BY company_id, partner_id) AS cohort_key
                  FROM monthly
            ),
            -- Per cohort, month after it and the customers' current tier, segment and
            -- salesperson: few rows.
            cells AS (
                SELECT d.company_id, d.cohort_key, prof.tier, prof.segment_id,
                       cp.user_id, d.month_key - d.cohort_key AS month_offset,
                       SUM(d.buying) AS buying, SUM(d.revenue) AS revenue
                  FROM dated d
                  JOIN res_partner cp ON cp.id = d.partner_id
                  LEFT JOIN customer_profile prof
                    ON prof.company_id = d.company_id AND prof.partner_id = d.partner_id
                 WHERE d.month_key >= d.cohort_key
                 GROUP BY 1, 2, 3, 4, 5, 6
            )
            SELECT row_number() OVER () AS id, company_id,
                   %(cohort_month)s AS cohort_month, %(month)s AS month,
                   month_offset, tier, segment_id, user_id,
                   CASE WHEN month_offset = 0 THEN MAX(n) ELSE 0 END
                       AS cohort_customers,
                   SUM(buying) AS buying_count, MAX(n) AS base_count,
                   100.0 * SUM(buying) / MAX(n) AS retention,
                   SUM(revenue) AS revenue
              FROM (SELECT company_id, cohort_key, tier, segment_id, user_id,
                           month_offset, buying, revenue, 0 AS n
                      FROM cells
                     UNION ALL
                    -- Every month since the cohort's first, bought in or not: its
                    -- share is then nought rather than missing. Everyone of the group
                    -- bought in month 0: its buyers are its customers.
                    SELECT c.company_id, c.cohort_key, c.tier, c.segment_id, c.user_id,
                           s.k, 0, 0, c.buying
                      FROM cells c
                      JOIN months m ON m.company_id = c.company_id
                     CROSS JOIN LATERAL generate_series(0, m.today_key - c.cohort_key)
                           AS s(k)
                     WHERE c.month_offset = 0) rows
             GROUP BY company_id, cohort_key, month_offset, tier, segment_id, user_id
            HAVING MAX(n) > 0
            """,
            months=company_months(self.env),
            cohort_month=month_date_sql(SQL("cohort_key")),
            month=month_date_sql(SQL("(cohort_key + month_offset)")),
        )

    @api.model
    def _read_group(self, *args, **kwargs):
        with local_settings(self.env.cr, **QUERY_SETTINGS):
            return super()._read_group(*args, **kwargs)

    @api.model
    def search_fetch(self, *args, **kwargs):
        with local_settings(self.env.cr, **QUERY_SETTINGS):
            return super().search_fetch(*args, **kwargs)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # The share of a group of rows is its buyers over its customers, not the sum
        # (nor the mean) of the rows' shares.
        if aggregate_spec == "retention:sum":
            return ratio_select(self, query, "buying_count", "base_count")
        return super()._read_group_select(aggregate_spec, query)
