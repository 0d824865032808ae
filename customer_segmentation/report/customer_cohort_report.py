from odoo import api, fields, models
from odoo.tools import SQL

from ..lib.vocabulary import TIER_SELECTION as TIERS


def company_zones(env):
    """``(company_id, time zone, this month's first day)`` of every company, as SQL
    VALUES: a company's months are counted in its time zone (res.company._customer_tz,
    the one definition the segmentation run uses), never in the reader's."""
    rows = []
    for company in env["res.company"].sudo().search([]):
        today = company._customer_today()
        rows.append(
            SQL("(%s, %s, %s::date)", company.id, company._customer_tz().zone, today)
        )
    return SQL("VALUES %s", SQL(", ").join(rows))


def monthly_revenue_sql(zones):
    """Net revenue per company, customer (commercial partner) and month of the
    company's calendar: confirmed orders in company currency (as the run sums them),
    flagged ``ordered``, and posted credit notes (negative, by invoice date) in rows of
    their own."""
    return SQL(
        """
        SELECT o.company_id, p.commercial_partner_id AS partner_id,
               date_trunc('month', o.date_order AT TIME ZONE 'UTC'
                          AT TIME ZONE z.tz)::date AS month,
               SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
                   AS revenue,
               TRUE AS ordered
          FROM sale_order o
          JOIN res_partner p ON p.id = o.partner_id
          JOIN (%(zones)s) AS z(company_id, tz, today) ON z.company_id = o.company_id
         WHERE o.state = 'sale'
         GROUP BY 1, 2, 3
         UNION ALL
        SELECT m.company_id, p.commercial_partner_id,
               date_trunc('month', m.invoice_date)::date, SUM(m.amount_untaxed_signed),
               FALSE
          FROM account_move m
          JOIN res_partner p ON p.id = m.partner_id
         WHERE m.move_type = 'out_refund' AND m.state = 'posted'
         GROUP BY 1, 2, 3
        """,
        zones=zones,
    )


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
            WITH zones(company_id, tz, today) AS (%(zones)s),
            monthly AS (%(monthly)s),
            members AS (
                SELECT f.company_id, f.partner_id, f.cohort, prof.tier,
                       prof.segment_id, cp.user_id
                  FROM (SELECT company_id, partner_id, MIN(month) AS cohort
                          FROM monthly WHERE ordered GROUP BY 1, 2) f
                  JOIN res_partner cp ON cp.id = f.partner_id
                  LEFT JOIN customer_profile prof
                    ON prof.company_id = f.company_id AND prof.partner_id = f.partner_id
            ),
            activity AS (
                SELECT m.company_id, m.cohort, m.tier, m.segment_id, m.user_id,
                       ((date_part('year', a.month) - date_part('year', m.cohort)) * 12
                        + date_part('month', a.month) - date_part('month', m.cohort)
                       )::int AS month_offset,
                       COUNT(*) FILTER (WHERE a.ordered) AS buying,
                       SUM(a.revenue) AS revenue
                  FROM members m
                  JOIN monthly a ON a.company_id = m.company_id
                   AND a.partner_id = m.partner_id AND a.month >= m.cohort
                 GROUP BY 1, 2, 3, 4, 5, 6
            ),
            groups AS (
                SELECT company_id, cohort, tier, segment_id, user_id, COUNT(*) AS n
                  FROM members GROUP BY 1, 2, 3, 4, 5
            )
            SELECT row_number() OVER () AS id, g.company_id,
                   g.cohort AS cohort_month,
                   (g.cohort + make_interval(months => s.k))::date AS month,
                   s.k AS month_offset, g.tier, g.segment_id, g.user_id,
                   CASE WHEN s.k = 0 THEN g.n ELSE 0 END AS cohort_customers,
                   COALESCE(a.buying, 0) AS buying_count, g.n AS base_count,
                   100.0 * COALESCE(a.buying, 0) / g.n AS retention,
                   COALESCE(a.revenue, 0) AS revenue
              FROM groups g
              JOIN zones z ON z.company_id = g.company_id
             CROSS JOIN LATERAL generate_series(
                   0, ((date_part('year', z.today) - date_part('year', g.cohort)) * 12
                       + date_part('month', z.today) - date_part('month', g.cohort)
                      )::int) AS s(k)
              LEFT JOIN activity a
                ON a.company_id = g.company_id AND a.cohort = g.cohort
               AND COALESCE(a.tier, '') = COALESCE(g.tier, '')
               AND COALESCE(a.segment_id, 0) = COALESCE(g.segment_id, 0)
               AND COALESCE(a.user_id, 0) = COALESCE(g.user_id, 0)
               AND a.month_offset = s.k
            """,
            zones=company_zones(self.env),
            monthly=monthly_revenue_sql(SQL("SELECT * FROM zones")),
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # The share of a group of rows is its buyers over its customers, not the sum
        # (nor the mean) of the rows' shares.
        if aggregate_spec == "retention:sum":
            return SQL(
                "100.0 * SUM(%s) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "buying_count", query),
                self._field_to_sql(self._table, "base_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)
