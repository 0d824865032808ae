from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib.engine import DISPUTED_CRITERIA
from ..lib.vocabulary import CRITERIA

DISPUTE_REASONS = [
    ("date_changed", "Promised date changed by the buyer"),
    ("quantity_changed", "Quantity changed by the buyer"),
    ("return_not_at_fault", "Return not the supplier's fault"),
    ("other", "Other"),
]

DECISION_FIELDS = {
    "state",
    "decided_by_id",
    "date_decided",
    "scorecard_id",
    "purchase_line_id",
    "criterion",
    "reason",
    "description",
    "attachment_ids",
}


class SupplierScorecardDispute(models.Model):
    """A supplier contests one purchase line behind a criterion of its published
    scorecard; an accepted dispute leaves that line out of that criterion."""

    _name = "supplier.scorecard.dispute"
    _description = "Scorecard Line Dispute"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    scorecard_id = fields.Many2one(
        "supplier.scorecard", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        related="scorecard_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="scorecard_id.partner_id", store=True, index=True, string="Supplier"
    )
    date_from = fields.Date(related="scorecard_id.date_from", store=True)
    date_to = fields.Date(related="scorecard_id.date_to", store=True)
    purchase_line_id = fields.Many2one(
        "purchase.order.line", "Purchase line", required=True, readonly=True
    )
    order_id = fields.Many2one(related="purchase_line_id.order_id")
    product_id = fields.Many2one(related="purchase_line_id.product_id")
    criterion = fields.Selection(
        [c for c in CRITERIA if c[0] in DISPUTED_CRITERIA], required=True, readonly=True
    )
    reason = fields.Selection(DISPUTE_REASONS, required=True, readonly=True)
    description = fields.Text("Explanation", readonly=True)
    attachment_ids = fields.Many2many(
        "ir.attachment", string="Evidence", readonly=True, copy=False
    )
    state = fields.Selection(
        [("open", "Open"), ("accepted", "Accepted"), ("refused", "Refused")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    buyer_note = fields.Text("Buyer's note", tracking=True)
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    date_decided = fields.Datetime("Decided on", readonly=True)
    response_hours = fields.Float(
        "Response time (hours)",
        compute="_compute_response_hours",
        store=True,
        aggregator="avg",
    )

    _sql_constraints = [
        (
            "line_criterion_uniq",
            "unique(scorecard_id, purchase_line_id, criterion)",
            "This line is already disputed for this criterion.",
        ),
    ]

    @api.depends("date_decided", "create_date")
    def _compute_response_hours(self):
        for dispute in self:
            dispute.response_hours = (
                (dispute.date_decided - dispute.create_date).total_seconds() / 3600.0
                if dispute.date_decided and dispute.create_date
                else 0.0
            )

    @api.depends("order_id", "product_id", "criterion")
    def _compute_display_name(self):
        labels = dict(self._fields["criterion"]._description_selection(self.env))
        for dispute in self:
            dispute.display_name = (
                f"{dispute.order_id.name} · {dispute.product_id.display_name} · "
                f"{labels.get(dispute.criterion, '')}"
            )

    @api.constrains("scorecard_id", "purchase_line_id", "criterion")
    def _check_line(self):
        for dispute in self:
            card = dispute.scorecard_id
            if card.state != "published":
                raise ValidationError(
                    _("Only the lines of a published scorecard can be disputed.")
                )
            if dispute.purchase_line_id.id not in card._dispute_lines():
                raise ValidationError(
                    _(
                        "This purchase line is not behind scorecard %s.",
                        card.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            dispute.attachment_ids.sudo().write(
                {"res_model": self._name, "res_id": dispute.id}
            )
            dispute.scorecard_id.message_post(
                body=_(
                    "Line disputed: %(line)s. Reason: %(reason)s.",
                    line=dispute.display_name,
                    reason=dict(
                        self._fields["reason"]._description_selection(self.env)
                    )[dispute.reason],
                ),
                author_id=self.env.user.partner_id.id,
                subtype_xmlid="mail.mt_comment",
            )
        return disputes

    def write(self, vals):
        # The decision goes through action_accept / action_refuse, whatever the entry
        # point.
        if set(vals) & DECISION_FIELDS and not self.env.context.get(
            "supplier_dispute_decision"
        ):
            raise UserError(_("Accept or refuse the dispute with its buttons."))
        return super().write(vals)

    def _decide(self, state, note):
        if not self.env.user.has_group("purchase.group_purchase_user"):
            raise UserError(_("Only buyers accept or refuse a line dispute."))
        if any(d.state != "open" for d in self):
            raise UserError(_("This dispute has already been decided."))
        self.with_context(supplier_dispute_decision=True).write(
            {
                "state": state,
                "buyer_note": note,
                "decided_by_id": self.env.uid,
                "date_decided": fields.Datetime.now(),
            }
        )
        for dispute in self:
            body = (
                _("Dispute accepted: %(line)s is left out of this criterion. %(note)s")
                if state == "accepted"
                else _("Dispute refused: %(line)s. %(note)s")
            )
            dispute.scorecard_id.message_post(
                body=body % {"line": dispute.display_name, "note": note or ""},
                subtype_xmlid="mail.mt_comment",
            )

    def action_accept(self, note=False):
        """Accept: the line leaves the criterion, and the published scorecard is
        corrected (a new revision; the earlier one is kept)."""
        self._decide("accepted", note or self.buyer_note)
        self.scorecard_id._correct(_("Accepted line dispute"))

    def action_refuse(self, note=False):
        note = note or self.buyer_note
        if not note:
            raise UserError(_("Say why the dispute is refused."))
        self._decide("refused", note)
