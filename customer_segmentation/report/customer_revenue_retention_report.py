import datetime

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.vocabulary import TIER_SELECTION as TIERS
from .customer_cohort_report import PROFILE_DEPENDS, SALES_DEPENDS, ratio_select


def year_bounds(env):
    """Per company, as SQL VALUES: the first day of the previous year and of the last
    year (the 12 months up to the company's today), the day after today, and their
    midnights in UTC in the company's time zone (res.company._customer_day_start)."""
    rows = []
    for company in env["res.company"].sudo().search([]):
        end = company._customer_today() + datetime.timedelta(days=1)
        days = (end - relativedelta(years=2), end - relativedelta(years=1), end)
        rows.append(
            SQL(
                "(%s, %s::date, %s::date, %s::date, %s::timestamp, %s::timestamp, "
                "%s::timestamp)",
                company.id,
                *days,
                *(company._customer_day_start(day) for day in days),
            )
        )
    return SQL("VALUES %s", SQL(", ").join(rows))


class CustomerRevenueRetentionReport(models.Model):
    """Net revenue retention: the customers who bought in the previous year (the 12
    months before the last 12), and the net revenue they brought in the last 12
    months against the previous 12. One row per customer, with its current tier."""

    _name = "customer.revenue.retention.report"
    _description = "Customer Revenue Retention"
    _auto = False
    _rec_name = "partner_id"
    _order = "base_revenue desc, id"
    # Flushed before the view is read.
    _depends = {**SALES_DEPENDS, "customer.profile": PROFILE_DEPENDS}

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    tier = fields.Selection(TIERS, readonly=True)
    segment_id = fields.Many2one("customer.segment", "Segment", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    kept_count = fields.Integer("Customers still buying", readonly=True)
    base_revenue = fields.Monetary(
        "Revenue, previous year",
        readonly=True,
        currency_field="currency_id",
        help="Net revenue of the 12 months before the last 12.",
    )
    kept_revenue = fields.Monetary(
        "Revenue, last year",
        readonly=True,
        currency_field="currency_id",
        help="Net revenue of the same customers in the last 12 months (up to today).",
    )
    retention = fields.Float(
        "Revenue kept (%)",
        readonly=True,
        aggregator="sum",
        digits=(16, 1),
        help="Last year's net revenue of the previous year's customers over their "
        "previous year's: above 100 % they bought more, new customers are not "
        "counted.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH years(company_id, d0, d1, d2, t0, t1, t2) AS (%(years)s),
            lines AS (
                SELECT o.company_id, p.commercial_partner_id AS partner_id,
                       o.date_order >= y.t1 AS last_year,
                       o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)
                           AS amount
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN years y ON y.company_id = o.company_id
                 WHERE o.state = 'sale' AND o.date_order >= y.t0
                   AND o.date_order < y.t2
                 UNION ALL
                SELECT m.company_id, p.commercial_partner_id, m.invoice_date >= y.d1,
                       m.amount_untaxed_signed
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.partner_id
                  JOIN years y ON y.company_id = m.company_id
                 WHERE m.move_type = 'out_refund' AND m.state = 'posted'
                   AND m.invoice_date >= y.d0 AND m.invoice_date < y.d2
            ),
            customers AS (
                SELECT company_id, partner_id,
                       SUM(amount) FILTER (WHERE NOT last_year) AS base,
                       COALESCE(SUM(amount) FILTER (WHERE last_year), 0) AS kept
                  FROM lines GROUP BY 1, 2
            )
            SELECT row_number() OVER (ORDER BY c.company_id, c.partner_id) AS id,
                   c.company_id, c.partner_id, cp.user_id, prof.tier,
                   prof.segment_id, 1 AS customer_count,
                   CASE WHEN c.kept > 0 THEN 1 ELSE 0 END AS kept_count,
                   c.base AS base_revenue, c.kept AS kept_revenue,
                   100.0 * c.kept / c.base AS retention
              FROM customers c
              JOIN res_partner cp ON cp.id = c.partner_id
              LEFT JOIN customer_profile prof
                ON prof.company_id = c.company_id AND prof.partner_id = c.partner_id
             WHERE c.base > 0
            """,
            years=year_bounds(self.env),
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # Kept over base of the group, weighted by revenue (not the mean of shares).
        if aggregate_spec == "retention:sum":
            return ratio_select(self, query, "kept_revenue", "base_revenue")
        return super()._read_group_select(aggregate_spec, query)
