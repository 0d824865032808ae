from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def _action_confirm(self):
        result = super()._action_confirm()
        self._close_returned_winbacks()
        return result

    def _close_returned_winbacks(self):
        """A customer who orders again without its win-back opportunity (sale_crm links
        an order to its opportunity) came back on its own: the opportunity is lost,
        with that reason."""
        Lead = self.env["crm.lead"]
        reason = self.env.ref(
            "customer_segmentation_crm.crm_lost_reason_came_back",
            raise_if_not_found=False,
        )
        for company, orders in self.grouped("company_id").items():
            leads = Lead._customer_open_winbacks(
                company, orders.partner_id.commercial_partner_id
            )
            if "opportunity_id" in orders._fields:
                leads -= orders.opportunity_id
            if leads:
                leads.action_set_lost(lost_reason_id=reason.id if reason else False)
