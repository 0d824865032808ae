from odoo import fields, models

from ..lib.vocabulary import TIER_SELECTION as TIERS


class CustomerSegmentSnapshot(models.Model):
    """A customer's segment and tier as a run changed them: one row per change, written
    in bulk."""

    _name = "customer.segment.snapshot"
    _description = "Customer Segment Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # Written in bulk by the run, never edited: the run records who and when.
    _log_access = False

    # run_id is indexed by the run_partner_uniq constraint; the company is the run's.
    run_id = fields.Many2one(
        "customer.segmentation.run", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="run_id.company_id")
    date = fields.Date(required=True, readonly=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    from_segment_id = fields.Many2one("customer.segment", "From segment", readonly=True)
    segment_id = fields.Many2one("customer.segment", "Segment", readonly=True)
    from_tier = fields.Selection(TIERS, readonly=True)
    tier = fields.Selection(TIERS, readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    frequency = fields.Integer("Orders", readonly=True)
    monetary = fields.Float("Revenue", readonly=True)
    moved_down = fields.Boolean(
        readonly=True,
        help="Moved from a watched segment to an alert segment, or to a lower tier.",
    )

    _sql_constraints = [
        (
            "run_partner_uniq",
            "unique(run_id, partner_id)",
            "One change per customer and run.",
        ),
    ]
