from odoo import api, fields, models

from .customer_profile import TIERS
from .res_partner import FIGURES_GROUP


class SaleOrder(models.Model):
    _inherit = "sale.order"

    customer_tier = fields.Selection(
        TIERS, compute="_compute_customer_segmentation", groups=FIGURES_GROUP
    )
    customer_segment_id = fields.Many2one(
        "customer.segment",
        compute="_compute_customer_segmentation",
        groups=FIGURES_GROUP,
    )
    customer_service_note = fields.Text(
        compute="_compute_customer_segmentation", groups=FIGURES_GROUP
    )
    customer_crosssell_ids = fields.Many2many(
        "customer.crosssell.suggestion",
        compute="_compute_customer_segmentation",
        string="Suggestions",
        groups=FIGURES_GROUP,
    )

    @api.depends("partner_id", "company_id", "order_line.product_id")
    def _compute_customer_segmentation(self):
        for order in self:
            partner = order.partner_id.commercial_partner_id.with_company(
                order.company_id
            )
            order.customer_tier = partner.customer_tier
            order.customer_segment_id = partner.customer_segment_id
            order.customer_service_note = order._customer_tier_service().service_note
            on_order = order.order_line.product_id
            order.customer_crosssell_ids = partner.customer_crosssell_ids.filtered(
                lambda s, on_order=on_order: s.product_id not in on_order
            )

    def _customer_tier_service(self):
        """The service level of the customer's tier in the order's company (empty if
        none)."""
        self.ensure_one()
        # The tier's service applies whoever sells (sudo); the figures stay with the
        # customer's salesperson.
        tier = (
            self.partner_id.commercial_partner_id.with_company(self.company_id)
            .sudo()
            .customer_tier
        )
        if not tier:
            return self.env["customer.tier.service"]
        return (
            self.env["customer.tier.service"]
            .sudo()
            .search(
                [("tier", "=", tier), ("company_id", "=", self.company_id.id)], limit=1
            )
        )

    # Tier defaults replace the partner's own when the customer is set; a salesperson
    # may change them. Computes: neither they nor the parents' return anything.
    def _compute_pricelist_id(self):  # pylint: disable=missing-return
        super()._compute_pricelist_id()
        for order in self.filtered(lambda o: o.state == "draft" and o.partner_id):
            order.pricelist_id = (
                order._customer_tier_service().pricelist_id or order.pricelist_id
            )

    def _compute_payment_term_id(self):  # pylint: disable=missing-return
        super()._compute_payment_term_id()
        for order in self.filtered("partner_id"):
            order.payment_term_id = (
                order._customer_tier_service().payment_term_id or order.payment_term_id
            )

    def _compute_team_id(self):  # pylint: disable=missing-return
        super()._compute_team_id()
        for order in self.filtered("partner_id"):
            order.team_id = order._customer_tier_service().team_id or order.team_id
