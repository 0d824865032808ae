from collections import defaultdict

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date
from odoo.tools.translate import html_translate

from .supplier_alert import notification_author

STATES = [
    ("requested", "Requested"),
    ("answered", "Answered"),
    ("accepted", "Accepted"),
    ("rejected", "Rejected"),
    ("closed", "Closed"),
]


class SupplierCorrectiveAction(models.Model):
    _name = "supplier.corrective.action"
    _description = "Corrective Action Request"
    _inherit = ["portal.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, readonly=True, copy=False, default=lambda self: _("New")
    )
    partner_id = fields.Many2one(
        "res.partner", "Supplier", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    alert_id = fields.Many2one(
        "supplier.alert", index=True, readonly=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", "Buyer", default=lambda self: self.env.user, tracking=True
    )
    state = fields.Selection(
        STATES, default="requested", required=True, tracking=True, index=True
    )
    # Translatable (by term): requests raised by the alerts are worded in every
    # language.
    request = fields.Html(
        "What needs correcting", required=True, translate=html_translate
    )
    request_date = fields.Datetime(
        "Requested on",
        required=True,
        readonly=True,
        copy=False,
        default=fields.Datetime.now,
    )
    date_due = fields.Date("Answer due", tracking=True)
    # The supplier's answer
    root_cause = fields.Text()
    action_plan = fields.Text()
    committed_date = fields.Date("Committed completion date")
    evidence_ids = fields.Many2many("ir.attachment", string="Evidence")
    answer_date = fields.Datetime(readonly=True, copy=False)
    # The buyer's decision
    decision_note = fields.Text("Decision note", tracking=True)
    decision_date = fields.Datetime(readonly=True, copy=False)
    closed_date = fields.Datetime(readonly=True, copy=False)
    response_days = fields.Float(
        "Response time (days)",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
    )
    close_days = fields.Float(
        "Time to close (days)",
        compute="_compute_durations",
        store=True,
        aggregator="avg",
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )
    reminded_date = fields.Date(readonly=True, copy=False)

    @api.depends("answer_date", "closed_date", "request_date")
    def _compute_durations(self):
        for action in self:
            start = action.request_date
            action.response_days = (
                (action.answer_date - start).total_seconds() / 86400
                if start and action.answer_date
                else 0.0
            )
            action.close_days = (
                (action.closed_date - start).total_seconds() / 86400
                if start and action.closed_date
                else 0.0
            )

    @api.depends("date_due", "state")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for action in self:
            action.is_overdue = (
                action.state in ("requested", "rejected")
                and bool(action.date_due)
                and action.date_due < today
            )

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(operator)
        domain = [
            ("state", "in", ("requested", "rejected")),
            ("date_due", "<", fields.Date.context_today(self)),
        ]
        return domain if (operator == "=") == value else ["!", *domain]

    # A compute: neither it nor the parent's returns anything.
    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for action in self:
            action.access_url = f"/my/corrective_actions/{action.id}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = (
                    self.env["res.partner"]
                    .browse(vals["partner_id"])
                    .commercial_partner_id.id
                )
            if vals.get("name", _("New")) == _("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "supplier.corrective.action"
                ) or _("New")
        actions = super().create(vals_list)
        # The request's other languages ({alert id: {lang: {term: translation}}}),
        # from the alerts: in place before the supplier is told.
        translations = self.env.context.get("supplier_request_translations") or {}
        for action in actions:
            if translations.get(action.alert_id.id):
                action.update_field_translations(
                    "request", translations[action.alert_id.id]
                )
        actions._subscribe_suppliers()
        # The creator already follows what it created (mail.thread.create): its
        # subscription as the author of each post would only be checked again.
        poster = actions.with_context(
            mail_create_nosubscribe=bool(
                self.env.context.get("mail_create_nosubscribe") or self.env.user.active
            )
        )
        for action in poster:
            # The supplier reads it in its language.
            in_lang = action.with_context(lang=action.partner_id.lang or self.env.lang)
            action.message_post(
                body=Markup("%s<br/>%s")
                % (
                    in_lang.env._("A corrective action is requested from you."),
                    in_lang.request,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=action.partner_id.ids,
                author_id=notification_author(self.env, action.company_id).id,
            )
        return actions

    def _subscribe_suppliers(self):
        """Each request's supplier follows it: one subscription per supplier for all
        its requests created at once."""
        requests = defaultdict(list)
        for action in self:
            requests[action.partner_id].append(action.id)
        for partner, ids in requests.items():
            self.browse(ids).message_subscribe(partner_ids=partner.ids)

    # ------------------------------------------------------------------ workflow
    def _submit_answer(
        self, root_cause, action_plan, committed_date=False, attachments=None
    ):
        """The supplier's answer, from the portal or entered by the buyer on its
        behalf."""
        self.ensure_one()
        if self.state not in ("requested", "rejected"):
            raise UserError(_("This request has already been answered."))
        if not (root_cause or "").strip() or not (action_plan or "").strip():
            raise ValidationError(_("Give both the root cause and the action plan."))
        values = {
            "root_cause": root_cause.strip(),
            "action_plan": action_plan.strip(),
            "committed_date": committed_date or False,
            "state": "answered",
            "answer_date": fields.Datetime.now(),
        }
        if attachments:
            values["evidence_ids"] = [(4, attachment.id) for attachment in attachments]
        self.sudo().write(values)
        reviewer = self.sudo().user_id or self.env.ref("base.user_root")
        # Activities store their text: in the reviewer's language, not the supplier's.
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.with_context(lang=reviewer.lang).env._(
                "Review the answer of %s", self.partner_id.name
            ),
            user_id=reviewer.id,
        )

    def action_mark_answered(self):
        """Back office: record an answer received by other means."""
        for action in self:
            action._submit_answer(
                action.root_cause, action.action_plan, action.committed_date
            )

    def action_accept(self):
        self._check_state("answered")
        self.write({"state": "accepted", "decision_date": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for action in self:
            action.message_post(
                body=_("Your answer was accepted."),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=action.partner_id.ids,
            )

    def action_reject(self):
        self._check_state("answered")
        if any(not (action.decision_note or "").strip() for action in self):
            raise ValidationError(
                _("Say in the decision note why the answer is rejected.")
            )
        self.write({"state": "rejected", "decision_date": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for action in self:
            action.message_post(
                body=_("Your answer was rejected: %s", action.decision_note),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=action.partner_id.ids,
            )

    def action_close(self):
        if any(
            action.state not in ("accepted", "rejected", "answered", "requested")
            for action in self
        ):
            raise UserError(_("This request is already closed."))
        self.write({"state": "closed", "closed_date": fields.Datetime.now()})
        self.alert_id.filtered(
            lambda alert: all(a.state == "closed" for a in alert.corrective_action_ids)
        ).action_close()

    def _check_state(self, state):
        if any(action.state != state for action in self):
            raise UserError(_("Only answered requests can be accepted or rejected."))

    @api.model
    def _cron_remind_overdue(self):
        """Once per overdue request: a reminder to the supplier and an activity for the
        buyer."""
        overdue = self.search(
            [("is_overdue", "=", True), ("reminded_date", "=", False)]
        )
        for action in overdue:
            # Worded in the language of who reads it: the supplier, then the buyer.
            supplier_env = action.with_context(lang=action.partner_id.lang).env
            action.message_post(
                body=supplier_env._(
                    "Reminder: the answer to %(name)s was due on %(date)s.",
                    name=action.name,
                    date=format_date(supplier_env, action.date_due),
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=action.partner_id.ids,
            )
            buyer = action.user_id or self.env.user
            action.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=action.with_context(lang=buyer.lang).env._(
                    "Overdue corrective action"
                ),
                user_id=buyer.id,
            )
        overdue.write({"reminded_date": fields.Date.context_today(self)})
        self.env["ir.cron"]._notify_progress(done=len(overdue), remaining=0)
