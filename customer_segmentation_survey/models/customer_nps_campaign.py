from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.customer_segmentation.lib.vocabulary import TIER_SELECTION as TIERS


class CustomerNpsCampaign(models.Model):
    """A satisfaction survey sent every few months to the customers of a segment or a
    tier of a company; its 0-10 question is the NPS."""

    _name = "customer.nps.campaign"
    _description = "Customer NPS Campaign"
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    survey_id = fields.Many2one("survey.survey", required=True)
    question_id = fields.Many2one(
        "survey.question",
        "NPS question",
        required=True,
        domain="[('survey_id', '=', survey_id), ('question_type', '=', 'scale')]",
        help="A scale question from 0 to 10: 9 and 10 are promoters, 0 to 6 "
        "detractors.",
    )
    target = fields.Selection(
        [("segment", "Segment"), ("tier", "Tier")],
        "Customers by",
        required=True,
        default="segment",
    )
    segment_id = fields.Many2one(
        "customer.segment",
        check_company=True,
        domain="[('company_id', '=', company_id)]",
    )
    tier = fields.Selection(TIERS)
    interval_months = fields.Integer("Every (months)", default=3, required=True)
    next_date = fields.Date(
        "Next sending", required=True, default=fields.Date.context_today
    )
    last_sent_date = fields.Date("Last sent", readonly=True)
    answer_ids = fields.One2many(
        "survey.user_input", "customer_nps_campaign_id", readonly=True
    )
    answer_count = fields.Integer("Invitations", compute="_compute_answer_count")

    @api.depends("answer_ids")
    def _compute_answer_count(self):
        for campaign in self:
            campaign.answer_count = len(campaign.answer_ids)

    @api.constrains("survey_id", "question_id", "target", "segment_id", "tier")
    def _check_question(self):
        for campaign in self:
            question = campaign.question_id
            if (
                question.survey_id != campaign.survey_id
                or question.question_type != "scale"
                or (question.scale_min, question.scale_max) != (0, 10)
            ):
                raise ValidationError(
                    _(
                        "The NPS question of “%s” must be a 0 to 10 scale question "
                        "of its survey.",
                        campaign.name,
                    )
                )
            if not (
                campaign.segment_id if campaign.target == "segment" else campaign.tier
            ):
                raise ValidationError(
                    _("Choose the segment or tier of “%s”.", campaign.name)
                )

    @api.constrains("interval_months")
    def _check_interval(self):
        if any(campaign.interval_months < 1 for campaign in self):
            raise ValidationError(
                _("An NPS campaign repeats after at least one month.")
            )

    def _audience_domain(self):
        """The customers of the segment or tier in the campaign's company, as they are
        when the survey is sent."""
        self.ensure_one()
        condition = (
            ("segment_id", "=", self.segment_id.id)
            if self.target == "segment"
            else ("tier", "=", self.tier)
        )
        return [
            (
                "customer_profile_ids",
                "any",
                [("company_id", "=", self.company_id.id), condition],
            ),
            ("email", "!=", False),
        ]

    def action_send(self):
        """Invite the campaign's customers now (one new answer each) and plan the next
        sending."""
        self.check_access("write")
        for campaign in self:
            campaign._send()
        return True

    def _send(self):
        self.ensure_one()
        partners = self.env["res.partner"].search(self._audience_domain())
        if not partners:
            raise UserError(_("No customer with an e-mail address in “%s”.", self.name))
        invite = self.env["survey.invite"].create(
            {
                "survey_id": self.survey_id.id,
                "template_id": self.env.ref(
                    "survey.mail_template_user_input_invite"
                ).id,
                "existing_mode": "new",
            }
        )
        for partner in partners:
            answer = self.survey_id._create_answer(
                partner=partner,
                check_attempts=False,
                customer_nps_campaign_id=self.id,
            )
            invite._send_mail(answer)
        today = self.company_id._customer_today()
        self.write(
            {
                "last_sent_date": today,
                "next_date": max(self.next_date, today)
                + relativedelta(months=self.interval_months),
            }
        )
        return partners

    @api.model
    def _cron_send_due(self):
        """The campaigns whose next sending is due in their company's day."""
        for campaign in self.search([]):
            if campaign.next_date <= campaign.company_id._customer_today():
                campaign.with_company(campaign.company_id)._send()
