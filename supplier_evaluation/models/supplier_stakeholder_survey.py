import datetime

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import periods


class SupplierStakeholderSurvey(models.Model):
    """A periodic survey of the internal people who deal with some suppliers: their
    answers feed the judged criteria of the period surveyed."""

    _name = "supplier.stakeholder.survey"
    _description = "Supplier Stakeholder Survey"
    _inherit = ["mail.thread"]
    _order = "next_date, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        default=lambda self: self.env.ref(
            "supplier_evaluation.survey_supplier_stakeholders",
            raise_if_not_found=False,
        ),
        domain="[('access_mode', '=', 'token')]",
        help="Its questions marked for the supplier evaluation feed the criteria.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Suppliers",
        required=True,
        domain="[('is_company', '=', True)]",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Respondents",
        required=True,
        domain="[('share', '=', False)]",
        help="Buyers, quality, warehouse: the internal people who deal with these "
        "suppliers.",
    )
    next_date = fields.Date(
        "Next sending",
        required=True,
        default=fields.Date.context_today,
        help="On this day the survey of the period just ended is sent.",
    )
    answer_ids = fields.One2many(
        "survey.user_input", "supplier_schedule_id", string="Answers", readonly=True
    )
    answer_count = fields.Integer(compute="_compute_answer_count")

    @api.depends("answer_ids.state")
    def _compute_answer_count(self):
        for schedule in self:
            schedule.answer_count = len(
                schedule.answer_ids.filtered(lambda a: a.state == "done")
            )

    @api.constrains("user_ids")
    def _check_internal_respondents(self):
        for schedule in self:
            if any(user.share for user in schedule.user_ids):
                raise UserError(
                    _("The respondents of a stakeholder survey are internal users.")
                )

    def action_send(self):
        """Invite every respondent to answer for every supplier, about the period
        that ended before today (the company's day)."""
        Scorecard = self.env["supplier.scorecard"]
        for schedule in self:
            company = schedule.company_id
            today = Scorecard._company_today(company)
            schedule._send(periods.previous_period(today, company.supplier_period_type))
        return True

    def _send(self, period):
        self.ensure_one()
        date_from, date_to = period
        existing = {
            (a.supplier_partner_id.id, a.supplier_user_id.id)
            for a in self.answer_ids.filtered(lambda a: a.supplier_date == date_to)
        }
        survey = self.survey_id.sudo()
        for partner in self.partner_ids.commercial_partner_id:
            for user in self.user_ids:
                if (partner.id, user.id) in existing:
                    continue
                answer = survey._create_answer(
                    user=user,
                    check_attempts=False,
                    supplier_schedule_id=self.id,
                    supplier_partner_id=partner.id,
                    supplier_company_id=self.company_id.id,
                    supplier_user_id=user.id,
                    supplier_date=date_to,
                )
                partner.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=fields.Date.context_today(self),
                    summary=_(
                        "Survey: how was %(supplier)s from %(start)s to %(end)s?",
                        supplier=partner.name,
                        start=date_from,
                        end=date_to,
                    ),
                    note=Markup('<a href="%s">%s</a>')
                    % (answer.get_start_url(), _("Answer the survey")),
                    user_id=user.id,
                )
        self.message_post(
            body=_(
                "Sent for the period %(start)s to %(end)s.",
                start=date_from,
                end=date_to,
            )
        )

    @api.model
    def _cron_send(self):
        Scorecard = self.env["supplier.scorecard"]
        for schedule in self.search([]):
            company = schedule.company_id
            today = Scorecard._company_today(company)
            if schedule.next_date > today:
                continue
            schedule._send(periods.previous_period(today, company.supplier_period_type))
            # Sent again once the current period has ended.
            schedule.next_date = periods.period_of(today, company.supplier_period_type)[
                1
            ] + datetime.timedelta(days=1)
