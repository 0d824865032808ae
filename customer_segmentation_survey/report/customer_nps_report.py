from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.customer_segmentation.lib.vocabulary import TIER_SELECTION as TIERS


class CustomerNpsReport(models.Model):
    """The last NPS answer of each customer of a company, with its current segment and
    tier: the NPS of a group is its share of promoters (9-10) less its share of
    detractors (0-6), in points from -100 to 100."""

    _name = "customer.nps.report"
    _description = "Customer NPS Summary"
    _auto = False
    _rec_name = "partner_id"
    _order = "nps_date desc, id"
    # Flushed before the view is read.
    _depends = {
        "customer.profile": [
            "nps_score",
            "nps_date",
            "tier",
            "segment_id",
            "partner_id",
            "company_id",
        ],
        "res.partner": ["user_id"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    segment_id = fields.Many2one("customer.segment", "Segment", readonly=True)
    tier = fields.Selection(TIERS, readonly=True)
    nps_date = fields.Date("Answered on", readonly=True)
    score = fields.Integer("Answer (0-10)", readonly=True, aggregator="avg")
    category = fields.Selection(
        [
            ("promoter", "Promoter (9-10)"),
            ("passive", "Passive (7-8)"),
            ("detractor", "Detractor (0-6)"),
        ],
        readonly=True,
    )
    answer_count = fields.Integer("Answers", readonly=True)
    promoter_count = fields.Integer("Promoters", readonly=True)
    detractor_count = fields.Integer("Detractors", readonly=True)
    nps = fields.Float(
        "NPS",
        readonly=True,
        aggregator="sum",
        digits=(16, 1),
        help="Promoters less detractors, in % of the answers.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id, p.company_id, p.partner_id, rp.user_id, p.segment_id,
                   p.tier, p.nps_date, p.nps_score AS score,
                   CASE WHEN p.nps_score >= 9 THEN 'promoter'
                        WHEN p.nps_score >= 7 THEN 'passive'
                        ELSE 'detractor' END AS category,
                   1 AS answer_count,
                   (p.nps_score >= 9)::int AS promoter_count,
                   (p.nps_score <= 6)::int AS detractor_count,
                   CASE WHEN p.nps_score >= 9 THEN 100
                        WHEN p.nps_score <= 6 THEN -100 ELSE 0 END AS nps
              FROM customer_profile p
              JOIN res_partner rp ON rp.id = p.partner_id
             WHERE p.nps_date IS NOT NULL
            """
        )

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        # The NPS of a group: (promoters - detractors) / answers, not a sum.
        if aggregate_spec == "nps:sum":
            return SQL(
                "100.0 * (SUM(%s) - SUM(%s)) / NULLIF(SUM(%s), 0)",
                self._field_to_sql(self._table, "promoter_count", query),
                self._field_to_sql(self._table, "detractor_count", query),
                self._field_to_sql(self._table, "answer_count", query),
            )
        return super()._read_group_select(aggregate_spec, query)
