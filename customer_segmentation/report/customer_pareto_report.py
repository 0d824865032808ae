from odoo import fields, models
from odoo.tools import SQL

SHARES = range(0, 101, 10)


class CustomerParetoReport(models.Model):
    """The Pareto (Lorenz) curve of a company's revenue: customers ranked best first
    (by the tier basis) and cut into deciles; per point, the share of customers so far
    and their cumulative share of the revenue. The 0 point starts the curve."""

    _name = "customer.pareto.report"
    _description = "Customer Revenue Pareto"
    _auto = False
    _order = "company_id, customer_share"

    company_id = fields.Many2one("res.company", readonly=True)
    customer_share = fields.Selection(
        [("p000", "0 %")]
        + [(f"p{share:03d}", f"top {share} %") for share in SHARES[1:-1]]
        + [("p100", "all 100 %")],
        "Share of customers (best first)",
        readonly=True,
    )
    revenue_share = fields.Float(
        "Cumulative share of revenue %",
        readonly=True,
        aggregator="max",
        digits=(16, 1),
    )
    customer_count = fields.Integer(
        "Customers (cumulative)", readonly=True, aggregator="max"
    )

    @property
    def _table_query(self):
        return SQL(
            """
            WITH deciles AS (
                SELECT company_id, decile, SUM(monetary) AS revenue, COUNT(*) AS n
                  FROM customer_profile
                 WHERE frequency > 0 AND decile BETWEEN 1 AND 10
                 GROUP BY company_id, decile
            ), points AS (
                SELECT c.company_id, g.decile
                  FROM (SELECT DISTINCT company_id FROM deciles) c
                 CROSS JOIN generate_series(0, 10) AS g(decile)
            )
            SELECT points.company_id * 100 + points.decile AS id, points.company_id,
                   'p' || lpad((points.decile * 10)::text, 3, '0') AS customer_share,
                   100.0 * SUM(COALESCE(d.revenue, 0)) OVER upto
                       / NULLIF(SUM(COALESCE(d.revenue, 0)) OVER company, 0)
                       AS revenue_share,
                   SUM(COALESCE(d.n, 0)) OVER upto AS customer_count
              FROM points
              LEFT JOIN deciles d USING (company_id, decile)
            WINDOW upto AS (PARTITION BY points.company_id ORDER BY points.decile),
                   company AS (PARTITION BY points.company_id)
            """
        )
