from odoo import api, fields, models

from ..lib.vocabulary import TIER_SELECTION as TIERS
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
        "customer.crosssell.rule",
        compute="_compute_customer_segmentation",
        string="Suggestions",
        groups=FIGURES_GROUP,
    )

    @api.depends("partner_id", "company_id", "order_line.product_id")
    def _compute_customer_segmentation(self):
        services = self._customer_tier_services()
        for order in self:
            partner = order.partner_id.commercial_partner_id.with_company(
                order.company_id
            )
            order.customer_tier = partner.customer_tier
            order.customer_segment_id = partner.customer_segment_id
            order.customer_service_note = services[order.id].service_note
            on_order = order.order_line.product_id
            order.customer_crosssell_ids = partner.customer_crosssell_ids.filtered(
                lambda s, on_order=on_order: s.product_id not in on_order
            )

    def _customer_tier_services(self):
        """The service level of each order's customer tier in the order's company:
        {order id: customer.tier.service, empty if none}, one query for all orders."""
        Service = self.env["customer.tier.service"].sudo()
        # The tier's service applies whoever sells (sudo); the figures stay with the
        # customer's salesperson.
        tiers = {
            order.id: order.partner_id.commercial_partner_id.with_company(
                order.company_id
            )
            .sudo()
            .customer_tier
            for order in self
        }
        wanted = {tier for tier in tiers.values() if tier}
        services = Service
        if wanted:
            services = Service.search(
                [
                    ("tier", "in", list(wanted)),
                    ("company_id", "in", self.company_id.ids),
                ]
            )
        by_key = {
            (service.tier, service.company_id.id): service for service in services
        }
        return {
            order.id: by_key.get((tiers[order.id], order.company_id.id), Service)
            for order in self
        }

    # Tier defaults replace the partner's own when the customer is set; a salesperson
    # may change them. Computes: neither they nor the parents' return anything.
    def _compute_pricelist_id(self):  # pylint: disable=missing-return
        super()._compute_pricelist_id()
        drafts = self.filtered(lambda o: o.state == "draft" and o.partner_id)
        services = drafts._customer_tier_services()
        for order in drafts:
            order.pricelist_id = services[order.id].pricelist_id or order.pricelist_id

    def _compute_payment_term_id(self):  # pylint: disable=missing-return
        super()._compute_payment_term_id()
        orders = self.filtered("partner_id")
        services = orders._customer_tier_services()
        for order in orders:
            order.payment_term_id = (
                services[order.id].payment_term_id or order.payment_term_id
            )

    def _compute_team_id(self):  # pylint: disable=missing-return
        super()._compute_team_id()
        orders = self.filtered("partner_id")
        services = orders._customer_tier_services()
        for order in orders:
            order.team_id = services[order.id].team_id or order.team_id
