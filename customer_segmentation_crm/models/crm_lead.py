from odoo import api, fields, models

GROUP = "customer_segmentation.customer_segmentation_group_user"


class CrmLead(models.Model):
    _inherit = "crm.lead"

    customer_winback = fields.Boolean(
        "Win-back", readonly=True, copy=False, groups=GROUP
    )
    customer_from_segment_id = fields.Many2one(
        "customer.segment", "Moved from", readonly=True, copy=False, groups=GROUP
    )
    customer_to_segment_id = fields.Many2one(
        "customer.segment", "Moved to", readonly=True, copy=False, groups=GROUP
    )

    @api.model
    def _customer_open_winbacks(self, company, partners):
        """The win-back opportunities still open of these customers in ``company``."""
        return self.sudo().search(
            [
                ("customer_winback", "=", True),
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("type", "=", "opportunity"),
                ("stage_id.is_won", "=", False),
            ]
        )
