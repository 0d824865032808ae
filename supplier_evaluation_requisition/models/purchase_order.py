from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.supplier_evaluation.lib import selection
from odoo.addons.supplier_evaluation.models.res_partner import (
    EVALUATION_GROUP,
    QUALIFICATION_STATES,
    QUALIFIED_STATES,
)

# Alternatives still to choose between (purchase_requisition's own filter).
OPEN_STATES = ("draft", "sent", "to approve")


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    supplier_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C")],
        "Grade",
        compute="_compute_supplier_selection",
        groups=EVALUATION_GROUP,
    )
    supplier_last_total = fields.Float(
        "Last total",
        compute="_compute_supplier_selection",
        digits=(16, 1),
        groups=EVALUATION_GROUP,
        help="Total score of the vendor's latest scorecard in the order's company.",
    )
    supplier_on_time = fields.Float(
        "On-time (%)",
        compute="_compute_supplier_selection",
        digits=(16, 1),
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time = fields.Float(
        "Lead time (days)",
        compute="_compute_supplier_selection",
        digits=(16, 1),
        groups=EVALUATION_GROUP,
    )
    supplier_qualification = fields.Selection(
        QUALIFICATION_STATES,
        "Qualification",
        compute="_compute_supplier_selection",
        groups=EVALUATION_GROUP,
    )
    supplier_best_value = fields.Float(
        "Best value",
        compute="_compute_supplier_selection",
        digits=(16, 1),
        groups=EVALUATION_GROUP,
        help="Price (100 for the cheapest alternative) and the vendor's last total, "
        "weighed as the settings say.",
    )
    supplier_best_value_rank = fields.Integer(
        "Rank", compute="_compute_supplier_selection", groups=EVALUATION_GROUP
    )
    supplier_best_value_reason = fields.Char(
        "Why", compute="_compute_supplier_selection", groups=EVALUATION_GROUP
    )
    supplier_needs_reason = fields.Boolean(
        compute="_compute_supplier_selection", groups=EVALUATION_GROUP
    )
    supplier_selection_reason = fields.Text(
        "Reason for this choice",
        copy=False,
        groups="purchase.group_purchase_user",
        help="Asked when the chosen alternative is not the best value or its vendor "
        "is not approved; logged on the order when it is confirmed.",
    )

    supplier_selection_why = fields.Char(
        copy=False,
        readonly=True,
        groups=EVALUATION_GROUP,
        help="Why a reason was asked: the best value or the vendor's qualification.",
    )

    @api.depends(
        "partner_id",
        "amount_total_cc",
        "state",
        "alternative_po_ids",
        "alternative_po_ids.amount_total_cc",
        "alternative_po_ids.state",
    )
    @api.depends_context("company")
    def _compute_supplier_selection(self):
        for order in self:
            group = order | order.alternative_po_ids.filtered(
                lambda o: o.state in OPEN_STATES
            )
            figures = {o: o._supplier_figures() for o in group}
            for name in ("grade", "last_total", "on_time", "lead_time"):
                order[f"supplier_{name}"] = figures[order][name] or False
            order.supplier_qualification = figures[order]["qualification"]
            if len(group) < 2 or order.state not in OPEN_STATES:
                order.supplier_best_value = 0.0
                order.supplier_best_value_rank = 0
                order.supplier_best_value_reason = False
                # A single RFQ is purchase control's business, not a choice.
                order.supplier_needs_reason = False
                continue
            rows = list(group)
            prices = [o.amount_total_cc for o in rows]
            scores = [
                figures[o]["last_total"]
                if figures[o]["last_total"] is not None
                else float("nan")
                for o in rows
            ]
            values, ranks = selection.best_value(
                prices, scores, order.company_id.supplier_best_value_weight
            )
            dearer = selection.dearer_percent(prices)
            i = rows.index(order)
            cheapest = rows[int(dearer.argmin())]
            order.supplier_best_value = values[i]
            order.supplier_best_value_rank = ranks[i]
            order.supplier_best_value_reason = order._supplier_reason_words(
                figures[order], dearer[i], figures[cheapest], order == cheapest
            )
            order.supplier_needs_reason = (
                ranks[i] > 1 or order.supplier_qualification not in QUALIFIED_STATES
            )

    def _supplier_figures(self):
        """The vendor's latest scorecard figures and qualification in the order's
        company (None where there is no scorecard)."""
        partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
        card = partner.sudo().supplier_last_scorecard_id
        has = bool(card and card.has_data)
        return {
            "grade": card.grade if has else None,
            "last_total": card.total_score if has else None,
            "on_time": card.on_time_rate if has and card.line_count else None,
            "lead_time": card.lead_time_avg if has and card.receipt_count else None,
            "qualification": partner.sudo().supplier_qualification_state or False,
        }

    def _supplier_reason_words(self, own, dearer, cheapest, is_cheapest):
        """ "B, 4% dearer than the cheapest, 12 points better on time": the grade,
        the price against the cheapest alternative, the on-time rate against its."""
        words = [own["grade"] or self.env._("no scorecard")]
        if is_cheapest:
            words.append(self.env._("the cheapest"))
        else:
            words.append(
                self.env._(
                    "%(percent)s%% dearer than the cheapest", percent=round(dearer)
                )
            )
            if own["on_time"] is not None and cheapest["on_time"] is not None:
                points = round(own["on_time"] - cheapest["on_time"])
                if points > 0:
                    words.append(
                        self.env._("%(points)s points better on time", points=points)
                    )
                elif points < 0:
                    words.append(
                        self.env._("%(points)s points worse on time", points=-points)
                    )
        return ", ".join(words)

    def button_confirm(self):
        """Choosing an alternative below the best value, or from a vendor not
        approved, needs a reason. What made it needed is kept on the order when
        asked (purchase_requisition may cancel the other alternatives before
        confirming), and logged with the reason once the order is confirmed."""
        for order in self:
            if not order.sudo().supplier_needs_reason:
                continue
            why = order.sudo()._supplier_choice_words()
            if not (order.supplier_selection_reason or "").strip():
                raise UserError(
                    self.env._(
                        "%(order)s is not the best value of its call for tenders or "
                        "its vendor is not approved (%(why)s): give the reason for "
                        "this choice in “Reason for this choice”.",
                        order=order.name,
                        why=why,
                    )
                )
            order.sudo().supplier_selection_why = why
        opened = self.filtered(lambda o: o.state in OPEN_STATES)
        result = super().button_confirm()
        for order in opened.sudo():
            if order.state in OPEN_STATES or not order.supplier_selection_why:
                continue
            order.message_post(
                body=Markup("%s<br/>%s")
                % (
                    self.env._(
                        "Chosen below the best value or from a vendor not approved "
                        "(%(why)s).",
                        why=order.supplier_selection_why,
                    ),
                    self.env._("Reason: %s", order.supplier_selection_reason),
                ),
                author_id=self.env.user.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )
        return result

    def _supplier_choice_words(self):
        """Why this choice needs a reason: the best value alternative and what sets it
        apart, or the vendor's qualification."""
        if self.supplier_best_value_rank > 1:
            best = (self.alternative_po_ids - self).filtered(
                lambda o: o.supplier_best_value_rank == 1
            )[:1]
            return self.env._(
                "the best value is %(best)s of %(vendor)s: %(reason)s; this one: "
                "%(own)s",
                best=best.name,
                vendor=best.partner_id.display_name,
                reason=best.supplier_best_value_reason,
                own=self.supplier_best_value_reason,
            )
        return self.env._(
            "vendor %(vendor)s: %(state)s",
            vendor=self.partner_id.display_name,
            state=self._supplier_qualification_label(),
        )

    def _supplier_qualification_label(self):
        field = self._fields["supplier_qualification"]
        labels = dict(field._description_selection(self.env))
        return labels.get(self.supplier_qualification) or self.env._("not qualified")
