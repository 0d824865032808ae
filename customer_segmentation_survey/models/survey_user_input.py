from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    customer_nps_campaign_id = fields.Many2one(
        "customer.nps.campaign",
        "NPS campaign",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        groups="customer_segmentation.customer_segmentation_group_user",
    )

    def _mark_done(self):
        result = super()._mark_done()
        self.sudo()._record_customer_nps()
        return result

    def _record_customer_nps(self):
        """The answer to the campaign's NPS question becomes the customer's last NPS in
        the campaign's company (its profile there), dated in the company's day."""
        Profile = self.env["customer.profile"]
        for answer in self.filtered("customer_nps_campaign_id"):
            campaign = answer.customer_nps_campaign_id
            line = answer.user_input_line_ids.filtered(
                lambda line, q=campaign.question_id: line.question_id == q
                and not line.skipped
            )[:1]
            if not line or not answer.partner_id:
                continue
            profile = Profile.search(
                [
                    ("company_id", "=", campaign.company_id.id),
                    ("partner_id", "=", answer.partner_id.commercial_partner_id.id),
                ]
            )
            profile.write(
                {
                    "nps_score": line.value_scale,
                    "nps_date": campaign.company_id._customer_today(),
                }
            )
