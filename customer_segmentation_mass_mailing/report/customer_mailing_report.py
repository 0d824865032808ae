from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.customer_segmentation.lib.vocabulary import TIER_SELECTION as TIERS
from odoo.addons.customer_segmentation.report.customer_cohort_report import (
    SALES_DEPENDS,
)

from ..models.mailing_mailing import TARGETS

ORDER_DAYS = 30


class CustomerMailingReport(models.Model):
    """One row per recipient of a mailing sent to a segment, tier or cluster: whether
    it was sent, opened and replied to, and the confirmed orders of the customer in
    the company within 30 days after it was sent."""

    _name = "customer.mailing.report"
    _description = "Customer Mailing Results"
    _auto = False
    _rec_name = "partner_id"
    _order = "sent_datetime desc, id"
    # Flushed before the view is read.
    _depends = {
        "mailing.trace": [
            "trace_status",
            "sent_datetime",
            "mass_mailing_id",
            "model",
            "res_id",
        ],
        "mailing.mailing": [
            "customer_company_id",
            "customer_target",
            "customer_segment_id",
            "customer_tier",
        ],
        "sale.order": SALES_DEPENDS["sale.order"],
        "res.partner": SALES_DEPENDS["res.partner"],
    }

    mailing_id = fields.Many2one("mailing.mailing", "Mailing", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    target = fields.Selection(
        TARGETS,
        "Sent to customers by",
        readonly=True,
    )
    segment_id = fields.Many2one("customer.segment", "Segment", readonly=True)
    tier = fields.Selection(TIERS, readonly=True)
    sent_datetime = fields.Datetime("Sent on", readonly=True)
    recipient_count = fields.Integer("Recipients", readonly=True)
    sent_count = fields.Integer("Sent", readonly=True)
    opened_count = fields.Integer("Opened", readonly=True)
    replied_count = fields.Integer("Replied", readonly=True)
    ordered_count = fields.Integer(
        "Ordered after",
        readonly=True,
        help="Recipients who confirmed an order within 30 days after the mailing.",
    )
    order_count = fields.Integer("Orders after", readonly=True)
    order_revenue = fields.Monetary(
        "Revenue after",
        readonly=True,
        currency_field="currency_id",
        help="Untaxed confirmed orders within 30 days after the mailing, in company "
        "currency.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT t.id, t.mass_mailing_id AS mailing_id,
                   mm.customer_company_id AS company_id, t.res_id AS partner_id,
                   rp.user_id, mm.customer_target AS target,
                   mm.customer_segment_id AS segment_id, mm.customer_tier AS tier,
                   t.sent_datetime, 1 AS recipient_count,
                   (t.trace_status IN ('sent', 'open', 'reply'))::int AS sent_count,
                   (t.trace_status IN ('open', 'reply'))::int AS opened_count,
                   (t.trace_status = 'reply')::int AS replied_count,
                   (COALESCE(o.n, 0) > 0)::int AS ordered_count,
                   COALESCE(o.n, 0) AS order_count,
                   COALESCE(o.revenue, 0) AS order_revenue
              FROM mailing_trace t
              JOIN mailing_mailing mm ON mm.id = t.mass_mailing_id
              JOIN res_partner rp ON rp.id = t.res_id
              LEFT JOIN LATERAL (
                  SELECT COUNT(*) AS n,
                         SUM(so.amount_untaxed
                             / COALESCE(NULLIF(so.currency_rate, 0), 1)) AS revenue
                    FROM sale_order so
                    JOIN res_partner sp ON sp.id = so.partner_id
                   WHERE sp.commercial_partner_id = rp.commercial_partner_id
                     AND so.company_id = mm.customer_company_id
                     AND so.state = 'sale'
                     AND so.date_order >= t.sent_datetime
                     AND so.date_order < t.sent_datetime + make_interval(days => %s)
              ) o ON TRUE
             WHERE t.model = 'res.partner' AND mm.customer_company_id IS NOT NULL
            """,
            ORDER_DAYS,
        )
