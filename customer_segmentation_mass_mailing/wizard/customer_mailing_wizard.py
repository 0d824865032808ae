from odoo import _, api, fields, models

from odoo.addons.customer_segmentation.lib.vocabulary import TIER_SELECTION as TIERS

from ..models.mailing_mailing import TARGETS


class CustomerMailingWizard(models.TransientModel):
    """Choose a segment, a tier or a cluster of the current company, and open a new
    mailing to its customers."""

    _name = "customer.mailing.wizard"
    _description = "Send a Mailing to Customers"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    target = fields.Selection(
        TARGETS,
        "Customers by",
        required=True,
        default="segment",
    )
    segment_id = fields.Many2one(
        "customer.segment", domain="[('company_id', '=', company_id)]"
    )
    tier = fields.Selection(TIERS)
    cluster_code = fields.Selection(
        selection=lambda self: self.env["customer.profile"]._cluster_code_selection(),
        string="Cluster",
    )
    recipient_count = fields.Integer("Customers now", compute="_compute_recipients")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        # Opened from selected profiles: their segment, tier and cluster.
        if self.env.context.get("active_model") == "customer.profile":
            profile = self.env["customer.profile"].browse(
                self.env.context.get("active_ids", [])[:1]
            )
            values.update(
                segment_id=profile.segment_id.id,
                tier=profile.tier,
                cluster_code=profile.cluster_code,
            )
        return values

    def _value(self):
        return {
            "segment": self.segment_id,
            "tier": self.tier,
            "cluster": self.cluster_code,
        }[self.target]

    @api.depends("company_id", "target", "segment_id", "tier", "cluster_code")
    def _compute_recipients(self):
        Mailing = self.env["mailing.mailing"]
        for wizard in self:
            value = wizard._value()
            wizard.recipient_count = (
                self.env["res.partner"].search_count(
                    Mailing._customer_audience_domain(
                        wizard.company_id,
                        wizard.target,
                        value.id if wizard.target == "segment" else value,
                    )
                )
                if value
                else 0
            )

    def action_create_mailing(self):
        self.ensure_one()
        value = self._value()
        label = {
            "segment": self.segment_id.name,
            "tier": dict(self._fields["tier"]._description_selection(self.env)).get(
                self.tier
            ),
            "cluster": self.env["customer.profile"]._cluster_words(self.cluster_code),
        }[self.target]
        mailing = self.env["mailing.mailing"]._create_for_customers(
            self.company_id,
            self.target,
            value,
            _("To our %(customers)s customers", customers=label or ""),
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": mailing.id,
            "view_mode": "form",
            "target": "current",
        }
