from datetime import timedelta

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

# A renewal answered (accepted or refused): nothing of it is left pending.
RENEWAL_CLEARED = {
    "renewal_state": False,
    "renewal_document": False,
    "renewal_document_name": False,
    "renewal_issue_date": False,
    "renewal_expiry_date": False,
    "renewal_number": False,
}

CERTIFICATE_STATES = [
    ("valid", "Valid"),
    ("expiring", "Expiring"),
    ("expired", "Expired"),
]


class SupplierCertificate(models.Model):
    _name = "supplier.certificate"
    _description = "Supplier Certificate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "expiry_date, id"
    _check_company_auto = True
    _rec_names_search = ["number", "partner_id", "certificate_type_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Supplier",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        help="The certificate is kept on the supplier's company (commercial partner), "
        "even when a contact of it is chosen.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    certificate_type_id = fields.Many2one(
        "supplier.certificate.type",
        string="Type",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    number = fields.Char(string="Certificate Number", tracking=True)
    issue_date = fields.Date(required=True)
    expiry_date = fields.Date(required=True, index=True, tracking=True)
    document = fields.Binary(attachment=True, copy=False)
    document_name = fields.Char(copy=False)
    # A renewal uploaded by the supplier waits for a buyer's approval before it replaces
    # the above.
    renewal_state = fields.Selection(
        [
            ("pending", "Renewal to approve"),
            ("new", "New, to approve"),
            ("refused", "New, refused"),
        ],
        copy=False,
        tracking=True,
        index=True,
        help="A certificate added from the portal counts only once a buyer approved "
        "it.",
    )
    renewal_document = fields.Binary(attachment=True, copy=False)
    renewal_document_name = fields.Char(copy=False)
    renewal_number = fields.Char(copy=False)
    renewal_issue_date = fields.Date(copy=False)
    renewal_expiry_date = fields.Date(copy=False)
    state = fields.Selection(
        CERTIFICATE_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        help="Expiring: the certificate expires within the company's reminder period. "
        "Updated every day.",
    )
    reminded_expiry_date = fields.Date(
        copy=False,
        readonly=True,
        help="The expiry date a renewal reminder was already scheduled for. A new "
        "expiry date (a renewed certificate) gets a reminder of its own.",
    )

    @api.depends("certificate_type_id", "partner_id", "number")
    def _compute_display_name(self):
        for certificate in self:
            name = " - ".join(
                part
                for part in (
                    certificate.certificate_type_id.name,
                    certificate.partner_id.display_name,
                )
                if part
            )
            if certificate.number:
                name = f"{name} ({certificate.number})" if name else certificate.number
            certificate.display_name = name or False

    @api.depends("expiry_date", "company_id.supplier_certificate_reminder_days")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for certificate in self:
            certificate.state = self._state_for(
                certificate.expiry_date,
                today,
                certificate.company_id.supplier_certificate_reminder_days,
            )

    @api.model
    def _state_for(self, expiry_date, today, reminder_days):
        if not expiry_date:
            return "valid"
        if expiry_date < today:
            return "expired"
        if expiry_date <= today + timedelta(days=reminder_days):
            return "expiring"
        return "valid"

    @api.constrains("issue_date", "expiry_date")
    def _check_dates(self):
        for certificate in self:
            issue, expiry = certificate.issue_date, certificate.expiry_date
            if issue and expiry and expiry <= issue:
                raise ValidationError(
                    self.env._(
                        "The certificate %(certificate)s expires on %(expiry)s, "
                        "which is not after its issue date %(issue)s.",
                        certificate=certificate.display_name,
                        expiry=format_date(self.env, expiry),
                        issue=format_date(self.env, issue),
                    )
                )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.partner_id != self.partner_id.commercial_partner_id:
            self.partner_id = self.partner_id.commercial_partner_id

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._commercial_partner_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        return super().write(self._commercial_partner_vals(dict(vals)))

    @api.model
    def _commercial_partner_vals(self, vals):
        """Certificates belong to the supplier's company, never to one of its
        contacts."""
        if vals.get("partner_id"):
            partner = self.env["res.partner"].browse(vals["partner_id"])
            vals["partner_id"] = partner.commercial_partner_id.id
        return vals

    # ------------------------------------------------------------
    # Cron
    # ------------------------------------------------------------

    @api.model
    def _cron_send_expiry_reminders(self):
        """Refresh every certificate's state, then schedule one renewal activity for
        each certificate that expires within its company's reminder period, once per
        expiry date."""
        today = fields.Date.context_today(self)
        self._update_states(today)
        done = 0
        for company in self.env["res.company"].search([]):
            horizon = today + timedelta(days=company.supplier_certificate_reminder_days)
            query = self._search(
                [
                    ("company_id", "=", company.id),
                    ("expiry_date", "<=", horizon),
                    ("renewal_state", "not in", ("new", "refused")),
                ]
            )
            query.add_where(
                SQL(
                    "%s IS DISTINCT FROM %s",
                    self._field_to_sql(self._table, "reminded_expiry_date", query),
                    self._field_to_sql(self._table, "expiry_date", query),
                )
            )
            certificates = self.browse(query)
            if not certificates:
                continue
            fallback = self._reminder_fallback_user(company)
            for certificate in certificates:
                responsible = certificate._reminder_responsible(company) or fallback
                certificate._schedule_expiry_activity(responsible)
            # Each certificate is marked for the expiry date it was reminded of.
            for expiry_date, group in certificates.grouped("expiry_date").items():
                group.write({"reminded_expiry_date": expiry_date})
            done += len(certificates)
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)

    def _schedule_expiry_activity(self, responsible):
        """A to-do for ``responsible``, due on the expiry date, written in their
        language."""
        self.ensure_one()
        env = self.with_context(lang=responsible.lang or self.env.lang).env
        expiry = format_date(env, self.expiry_date)
        return self.activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.expiry_date,
            summary=env._("Renew certificate (expires %s)", expiry),
            note=Markup("<p>%s</p>")
            % env._(
                "The certificate %(certificate)s expires on %(date)s. Ask the "
                "supplier for the renewed certificate and enter its new expiry date.",
                certificate=self.with_env(env).display_name,
                date=expiry,
            ),
            user_id=responsible.id,
        )

    @api.model
    def _update_states(self, today=None):
        """Write the state of every certificate whose state changed since the last run,
        one write per (company, state): the state depends on today's date, which no
        field dependency catches."""
        today = today or fields.Date.context_today(self)
        for company in self.env["res.company"].search([]):
            horizon = today + timedelta(days=company.supplier_certificate_reminder_days)
            domains = {
                "expired": [("expiry_date", "<", today)],
                "expiring": [
                    ("expiry_date", ">=", today),
                    ("expiry_date", "<=", horizon),
                ],
                "valid": [("expiry_date", ">", horizon)],
            }
            for state, domain in domains.items():
                stale = self.search(
                    [("company_id", "=", company.id), ("state", "!=", state)] + domain
                )
                if stale:
                    stale.write({"state": state})

    def _reminder_responsible(self, company):
        """The supplier's buyer, else its responsible user, if they work in the
        company."""
        self.ensure_one()
        partner = self.partner_id
        for user in (partner.buyer_id, partner.user_id):
            if user and user.active and not user.share and company in user.company_ids:
                return user
        return self.env["res.users"]

    @api.model
    def _reminder_fallback_user(self, company):
        """The first purchase administrator of the company, else the user running the
        job."""
        group = self.env.ref(
            "purchase.group_purchase_manager", raise_if_not_found=False
        )
        managers = (
            group.sudo().users.filtered(
                lambda user: not user.share and company in user.company_ids
            )
            if group
            else self.env["res.users"]
        )
        return managers.sorted("id")[:1].with_env(self.env) or self.env.user

    # ------------------------------------------------------------------ renewals
    def _submit_renewal(
        self, document, filename, issue_date, expiry_date, number=False
    ):
        """A renewal from the supplier's portal; the current certificate stays until a
        buyer approves."""
        self.ensure_one()
        if self.renewal_state in ("new", "refused"):
            raise ValidationError(
                _(
                    "This certificate is not approved yet: add it again instead of renewing it."  # noqa: E501
                )
            )
        if not issue_date or not expiry_date or expiry_date <= issue_date:
            raise ValidationError(
                _("The new expiry date must come after the new issue date.")
            )
        self.sudo().write(
            {
                "renewal_state": "pending",
                "renewal_document": document,
                "renewal_document_name": filename,
                "renewal_issue_date": issue_date,
                "renewal_expiry_date": expiry_date,
                "renewal_number": number or self.number,
            }
        )
        # sudo: the supplier's portal user may not read res.users; the to-do goes to the
        # buyer, else to a purchase administrator (never to the portal user, the default
        # assignee).
        certificate_sudo = self.sudo()
        responsible = certificate_sudo._reminder_responsible(
            self.company_id
        ) or certificate_sudo._reminder_fallback_user(self.company_id)
        certificate_sudo.activity_schedule(
            "mail.mail_activity_data_todo",
            # Activities store their text: in the language of the one who reads it.
            summary=certificate_sudo.with_context(lang=responsible.lang).env._(
                "Approve the renewed certificate of %s", self.partner_id.name
            ),
            user_id=responsible.id,
        )

    @api.model
    def _submit_new(
        self,
        certificate_type,
        document,
        filename,
        issue_date,
        expiry_date,
        number=False,
    ):
        """A certificate added from the supplier's portal, for the user's own company
        (commercial partner) only; it waits for a buyer's approval like a renewal."""
        partner = self.env.user.partner_id.commercial_partner_id
        if not certificate_type or not certificate_type.exists():
            raise ValidationError(_("Choose the type of the certificate."))
        if not issue_date or not expiry_date or expiry_date <= issue_date:
            raise ValidationError(
                _("The new expiry date must come after the new issue date.")
            )
        certificate_sudo = self.sudo().create(
            {
                "partner_id": partner.id,
                "company_id": self.env.company.id,
                "certificate_type_id": certificate_type.id,
                "number": number or False,
                "issue_date": issue_date,
                "expiry_date": expiry_date,
                "document": document,
                "document_name": filename,
                "renewal_state": "new",
            }
        )
        responsible = certificate_sudo._reminder_responsible(
            certificate_sudo.company_id
        ) or certificate_sudo._reminder_fallback_user(certificate_sudo.company_id)
        certificate_sudo.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=certificate_sudo.with_context(lang=responsible.lang).env._(
                "Approve the new certificate of %s", partner.name
            ),
            user_id=responsible.id,
        )
        return certificate_sudo.with_env(self.env)

    def _tell_supplier(self, body):
        """A message on the certificate's chatter that reaches the supplier."""
        self.message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.partner_id.ids,
        )

    def action_approve_renewal(self):
        """A buyer accepts the renewal: it replaces the current document and dates. A
        new certificate from the portal simply starts to count."""
        self.check_access("write")
        for certificate in self.filtered(lambda c: c.renewal_state == "new"):
            certificate.renewal_state = False
            certificate._tell_supplier(
                _("Certificate approved: valid until %s.", certificate.expiry_date)
            )
        for certificate in self.filtered(lambda c: c.renewal_state == "pending"):
            certificate.write(
                {
                    "document": certificate.renewal_document,
                    "document_name": certificate.renewal_document_name,
                    "issue_date": certificate.renewal_issue_date,
                    "expiry_date": certificate.renewal_expiry_date,
                    "number": certificate.renewal_number,
                    **RENEWAL_CLEARED,
                }
            )
            certificate._tell_supplier(
                _("Renewal approved: valid until %s.", certificate.expiry_date)
            )
        self.activity_feedback(["mail.mail_activity_data_todo"])

    def action_reject_renewal(self):
        """A buyer refuses the renewal: the current certificate stays, the supplier is
        told."""
        self.check_access("write")
        for certificate in self.filtered(lambda c: c.renewal_state == "new"):
            certificate.renewal_state = (
                "refused"  # kept, with its document, but never counts
            )
            certificate._tell_supplier(
                _("The new certificate was not accepted; please upload it again.")
            )
        for certificate in self.filtered(lambda c: c.renewal_state == "pending"):
            certificate.write(RENEWAL_CLEARED)
            certificate._tell_supplier(
                _("The renewal was not accepted; please upload it again.")
            )
        self.activity_feedback(["mail.mail_activity_data_todo"])
