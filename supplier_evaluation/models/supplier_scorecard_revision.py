from odoo import fields, models


class SupplierScorecardRevision(models.Model):
    """A published scorecard as it stood before a correction: the corrected card
    keeps its place (one card per supplier and period), its earlier figures are kept
    here, linked to it."""

    _name = "supplier.scorecard.revision"
    _description = "Earlier Revision of a Supplier Scorecard"
    _order = "scorecard_id, revision desc"

    scorecard_id = fields.Many2one(
        "supplier.scorecard", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="scorecard_id.company_id", store=True)
    partner_id = fields.Many2one(related="scorecard_id.partner_id", store=True)
    revision = fields.Integer(required=True, readonly=True)
    total_score = fields.Float("Total", readonly=True)
    grade = fields.Char(readonly=True)
    figures = fields.Json(readonly=True, help="The criteria's raw figures and scores.")
    reason = fields.Char(readonly=True)
