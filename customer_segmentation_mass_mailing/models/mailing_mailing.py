from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.customer_segmentation.lib.vocabulary import TIER_SELECTION as TIERS

GROUP = "customer_segmentation.customer_segmentation_group_user"
TARGETS = [("segment", "Segment"), ("tier", "Tier"), ("cluster", "Cluster")]
# target -> the profile field it selects on
PROFILE_FIELDS = {
    "segment": "customer_segment_id",
    "tier": "customer_tier",
    "cluster": "customer_cluster_code",
}


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    customer_company_id = fields.Many2one(
        "res.company", "Customers of", readonly=True, groups=GROUP
    )
    customer_target = fields.Selection(
        TARGETS,
        "Sent to customers by",
        readonly=True,
        groups=GROUP,
    )
    customer_segment_id = fields.Many2one(
        "customer.segment", "Customer segment", readonly=True, groups=GROUP
    )
    customer_tier = fields.Selection(
        TIERS, "Customer tier", readonly=True, groups=GROUP
    )
    customer_cluster_code = fields.Char(readonly=True, groups=GROUP)
    customer_cluster_description = fields.Char(
        "Customer cluster",
        compute="_compute_customer_cluster_description",
        groups=GROUP,
    )

    @api.depends("customer_cluster_code")
    @api.depends_context("lang")
    def _compute_customer_cluster_description(self):
        Profile = self.env["customer.profile"]
        for mailing in self:
            mailing.customer_cluster_description = Profile._cluster_words(
                mailing.customer_cluster_code
            )

    @api.model
    def _customer_audience_domain(self, company, target, value):
        """The contacts a mailing to a segment, tier or cluster goes to: the customers
        whose profile in ``company`` has it. A domain, evaluated when the mailing is
        sent, so that it follows the runs in between; the company is written in it
        (a queued mailing is sent by the scheduler, whatever its company)."""
        profile_field = {
            "segment": "segment_id",
            "tier": "tier",
            "cluster": "cluster_code",
        }[target]
        return [
            (
                "customer_profile_ids",
                "any",
                [("company_id", "=", company.id), (profile_field, "=", value)],
            )
        ]

    @api.model
    def _create_for_customers(self, company, target, value, label):
        """A new e-mail mailing to the customers of a segment, tier or cluster of
        ``company``, to be written and sent from its form."""
        if not value:
            raise UserError(_("Choose the segment, tier or cluster to write to."))
        if company not in self.env.companies:
            raise UserError(_("You can only write to customers of your companies."))
        if target == "segment":
            if value.company_id != company:
                raise UserError(
                    _(
                        "The segment %(segment)s is not one of %(company)s.",
                        segment=value.name,
                        company=company.name,
                    )
                )
            value = value.id
        values = {
            "subject": label,
            "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "mailing_domain": repr(
                self._customer_audience_domain(company, target, value)
            ),
            "customer_company_id": company.id,
            "customer_target": target,
        }
        values[PROFILE_FIELDS[target]] = value
        return self.create(values)
