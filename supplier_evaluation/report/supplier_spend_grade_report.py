from odoo import fields, models, tools
from odoo.tools import SQL

from ..lib.vocabulary import GRADES, KRALJIC_CLASSES


class SupplierSpendGradeReport(models.Model):
    """One row per confirmed purchase order line, with the grade its supplier had that
    month.

    The grade is the one of the scorecard of the line's commercial partner, in the
    order's company, whose period holds the day the order was confirmed (in the
    company's time zone, as the scorecards count it). Lines of suppliers without such a
    scorecard, or whose scorecard has no grade, are "Not graded".
    """

    _name = "supplier.spend.grade.report"
    _description = "Spend by Supplier Grade"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "order_id"
    _depends = {
        "purchase.order.line": [
            "order_id",
            "product_id",
            "price_subtotal",
            "display_type",
        ],
        "purchase.order": [
            "partner_id",
            "company_id",
            "state",
            "date_approve",
            "currency_rate",
        ],
        "res.partner": ["commercial_partner_id", "tz"],
        "res.company": ["partner_id", "currency_id"],
        "supplier.scorecard": [
            "partner_id",
            "company_id",
            "date_from",
            "date_to",
            "grade",
            "kraljic_class",
        ],
    }

    date = fields.Date(
        "Confirmation Date",
        readonly=True,
        help="Day the order was confirmed, in the company's time zone.",
    )
    partner_id = fields.Many2one("res.partner", "Supplier", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    product_id = fields.Many2one("product.product", "Product", readonly=True)
    order_id = fields.Many2one("purchase.order", "Purchase Order", readonly=True)
    scorecard_id = fields.Many2one("supplier.scorecard", "Scorecard", readonly=True)
    kraljic_class = fields.Selection(KRALJIC_CLASSES, readonly=True)
    grade = fields.Selection([*GRADES, ("none", "Not graded")], readonly=True)
    spend = fields.Monetary(
        readonly=True,
        currency_field="currency_id",
        help="Untaxed amount of the line, in company currency at the order's rate.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    def _query(self):
        return SQL(
            """
            SELECT l.id AS id,
                   day.date AS date,
                   vendor.commercial_partner_id AS partner_id,
                   o.company_id AS company_id,
                   company.currency_id AS currency_id,
                   l.product_id AS product_id,
                   l.order_id AS order_id,
                   card.id AS scorecard_id,
                   card.kraljic_class AS kraljic_class,
                   COALESCE(card.grade, 'none') AS grade,
                   l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1) AS spend
              FROM purchase_order_line l
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner vendor ON vendor.id = o.partner_id
              JOIN res_company company ON company.id = o.company_id
              JOIN res_partner company_partner
                  ON company_partner.id = company.partner_id
             CROSS JOIN LATERAL (
                   SELECT (o.date_approve AT TIME ZONE 'UTC'
                                          AT TIME ZONE COALESCE(company_partner.tz,
                                              'UTC'))::date AS date
             ) day
              LEFT JOIN LATERAL (
                   -- a month scorecard before a quarter one, should a company hold both
                   SELECT s.id, s.grade, s.kraljic_class
                     FROM supplier_scorecard s
                    WHERE s.partner_id = vendor.commercial_partner_id
                      AND s.company_id = o.company_id
                      AND day.date BETWEEN s.date_from AND s.date_to
                    ORDER BY s.date_to - s.date_from, s.id
                    LIMIT 1
             ) card ON TRUE
             WHERE o.state IN ('purchase', 'done')
               AND o.date_approve IS NOT NULL
               AND l.display_type IS NULL
            """
        )
