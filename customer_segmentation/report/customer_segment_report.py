from odoo import _, api, fields, models
from odoo.tools import SQL

from ..lib.vocabulary import TIER_SELECTION as TIERS

NEW, LOST = "0", "z"


class CustomerSegmentReport(models.Model):
    """One row per customer profile, for the RFM grid and the transition matrix: the
    scores and segments as labels a pivot can group by, and a customer count."""

    _name = "customer.segment.report"
    _description = "Customer Segment Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "monetary desc, id"

    profile_id = fields.Many2one("customer.profile", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    segment_id = fields.Many2one("customer.segment", readonly=True)
    tier = fields.Selection(TIERS, readonly=True)
    recency_score = fields.Selection(
        [
            ("1", "R1 · longest ago"),
            ("2", "R2"),
            ("3", "R3"),
            ("4", "R4"),
            ("5", "R5 · most recent"),
        ],
        "Recency score",
        readonly=True,
    )
    frequency_score = fields.Selection(
        [
            ("1", "F1 · fewest orders"),
            ("2", "F2"),
            ("3", "F3"),
            ("4", "F4"),
            ("5", "F5 · most orders"),
        ],
        "Frequency score",
        readonly=True,
    )
    rfm_code = fields.Char(related="profile_id.rfm_code", string="RFM")
    # Rows read "Champions →", columns "→ Loyal": a cell is the move between them.
    from_state = fields.Selection(
        "_selection_from_states", "From (previous run)", readonly=True
    )
    to_state = fields.Selection("_selection_to_states", "To (this run)", readonly=True)
    customer_count = fields.Integer("Customers", readonly=True)
    frequency = fields.Integer("Orders", readonly=True)
    monetary = fields.Monetary("Revenue", readonly=True, currency_field="currency_id")

    @api.model
    def _selection_from_states(self):
        return [(key, f"{label} →") for key, label in self._selection_states()]

    @api.model
    def _selection_to_states(self):
        return [(key, f"→ {label}") for key, label in self._selection_states()]

    @api.model
    def _selection_states(self):
        """Segments in their table's order, between "New" (no segment before) and
        "Lost" (no order in the window any more)."""
        found = (
            self.env["customer.segment"]
            .sudo()
            .search([("company_id", "in", self.env.user.company_ids.ids)])
        )
        return (
            [(NEW, _("New"))]
            + [(_state_key(s.sequence, s.id), s.name) for s in found]
            + [(LOST, _("Lost (no order in the window)"))]
        )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id, p.id AS profile_id, p.partner_id, p.company_id,
                   partner.user_id, p.segment_id, p.tier,
                   NULLIF(p.r_score, 0)::varchar AS recency_score,
                   NULLIF(p.f_score, 0)::varchar AS frequency_score,
                   CASE WHEN p.previous_segment_id IS NULL THEN %(new)s
                        ELSE %(prev_key)s END AS from_state,
                   CASE WHEN p.segment_id IS NULL THEN %(lost)s
                        ELSE %(key)s END AS to_state,
                   1 AS customer_count, p.frequency, p.monetary
              FROM customer_profile p
              JOIN res_partner partner ON partner.id = p.partner_id
              LEFT JOIN customer_segment s ON s.id = p.segment_id
              LEFT JOIN customer_segment prev ON prev.id = p.previous_segment_id
             WHERE p.segment_id IS NOT NULL OR p.previous_segment_id IS NOT NULL
            """,
            new=NEW,
            lost=LOST,
            prev_key=_state_sql("prev"),
            key=_state_sql("s"),
        )

    def action_schedule_activity(self):
        return self.profile_id.action_schedule_activity()

    def action_send_email(self):
        return self.profile_id.action_send_email()


def _state_key(sequence, segment_id):
    """Segments sort by their sequence in the pivot (selection keys sort as text)."""
    return f"s{max(sequence, 0):06d}_{segment_id}"


def _state_sql(alias):
    return SQL(
        "'s' || lpad(GREATEST(%s, 0)::text, 6, '0') || '_' || %s",
        SQL.identifier(alias, "sequence"),
        SQL.identifier(alias, "id"),
    )
