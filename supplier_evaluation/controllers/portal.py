import base64
import re

from markupsafe import Markup

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..lib import charts, uploads

PAGE_SIZE = 20
TREND_PERIODS = 12
# Evidence files one answer may carry: the request size limit below allows that many
# full-size files.
MAX_FILES_PER_FORM = 10
# The kinds a refused-type message lists, by the code the redirect carries.
ALLOWED_KINDS = {
    "documents": uploads.DOCUMENTS,
    "images": uploads.IMAGES,
    "reports": uploads.REPORTS,
}


class PortalFormError(Exception):
    """A refused portal form. Only its code travels in the redirect URL; the page shows
    the server's message for that code, never text taken from the URL."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def _upload_request_limit(_portal):
    """Odoo caps every request at http.DEFAULT_MAX_CONTENT_LENGTH (128 MiB): the upload
    routes accept what the company's per-file limit allows for a full form, whichever is
    larger."""
    per_file = uploads.megabytes(
        request.env.company.sudo().supplier_portal_max_upload_mb
    )
    return max(
        http.DEFAULT_MAX_CONTENT_LENGTH, per_file * MAX_FILES_PER_FORM + 1024 * 1024
    )


class SupplierPortal(CustomerPortal):
    """Scorecards, corrective actions, certificates and order documents for suppliers'
    portal users.

    Reads go through record rules (``check_access``); writes use sudo() on whitelisted
    fields only, after the access check.
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for counter, model in (
            ("supplier_scorecard_count", "supplier.scorecard"),
            ("supplier_corrective_action_count", "supplier.corrective.action"),
            ("supplier_certificate_count", "supplier.certificate"),
        ):
            if counter in counters:
                records = request.env[model]
                values[counter] = (
                    records.search_count([]) if records.has_access("read") else 0
                )
        return values

    # ------------------------------------------------------------------ helpers
    def _list_page(self, model, url, page, template, key, order, page_name):
        records = request.env[model]
        count = records.search_count([]) if records.has_access("read") else 0
        pager = portal_pager(url=url, total=count, page=page, step=PAGE_SIZE)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                key: records.search(
                    [], order=order, limit=PAGE_SIZE, offset=pager["offset"]
                )
                if count
                else records,
                "pager": pager,
                "page_name": page_name,
                "default_url": url,
            }
        )
        return request.render(template, values)

    def _checked_upload(self, upload, allowed_code, company):
        """(filename, data, mimetype) of an acceptable upload, None when there is none,
        or raise PortalFormError with the problem's code."""
        if not upload or not getattr(upload, "filename", None):
            return None
        data = upload.read()
        kind, problem = uploads.check_upload(
            upload.filename,
            data,
            ALLOWED_KINDS[allowed_code],
            uploads.megabytes(company.supplier_portal_max_upload_mb),
        )
        if problem:
            raise PortalFormError(
                f"type-{allowed_code}" if problem == "type" else problem
            )
        return uploads.safe_filename(upload.filename), data, uploads.MIMETYPES[kind]

    def _checked_evidence(self, company):
        """The acceptable documents of the form's ``evidence`` files, as
        _checked_upload gives them; PortalFormError when one is not."""
        evidence = request.httprequest.files.getlist("evidence")
        if len(evidence) > MAX_FILES_PER_FORM:
            raise PortalFormError("too_many")
        files = [
            self._checked_upload(upload, "documents", company) for upload in evidence
        ]
        return [f for f in files if f]

    def _form_error_message(self, code, company):
        """The server's message for an error code of the portal forms; None for an
        unknown code."""
        if not code or not isinstance(code, str):
            return None
        problem, _sep, allowed_code = code.partition("-")
        if (
            problem in ("empty", "too_large", "archive", "mismatch")
            and not allowed_code
        ):
            return request.env["ir.attachment"]._supplier_upload_message(
                problem, (), company
            )
        if problem == "type" and allowed_code in ALLOWED_KINDS:
            return request.env["ir.attachment"]._supplier_upload_message(
                problem, ALLOWED_KINDS[allowed_code], company
            )
        return {
            "missing_file": _("Choose a file to upload."),
            "kind": _(
                "Choose what the file is: a quality-control report or a progress photo."
            ),
            "dates": _(
                "Enter valid dates: the new expiry date must come after the new issue date."  # noqa: E501
            ),
            "certificate_type": _("Choose the type of the certificate."),
            "incomplete": _("Give both the root cause and the action plan."),
            "answered": _("This request has already been answered."),
            "too_many": _("Send at most %s files at once.", MAX_FILES_PER_FORM),
            "refused": _(
                "Your form could not be saved: check the fields and the file, then try again."  # noqa: E501
            ),
        }.get(code)

    @staticmethod
    def _form_error_code(error):
        return error.code if isinstance(error, PortalFormError) else "refused"

    # ------------------------------------------------------------------ scorecards
    @http.route(
        ["/my/scorecards", "/my/scorecards/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_scorecards(self, page=1, **kw):
        return self._list_page(
            "supplier.scorecard",
            "/my/scorecards",
            page,
            "supplier_evaluation.portal_my_scorecards",
            "scorecards",
            "date_from desc, id desc",
            "supplier_scorecard",
        )

    @http.route(
        ["/my/scorecards/<int:card_id>"], type="http", auth="public", website=True
    )
    def portal_my_scorecard(
        self, card_id, access_token=None, report_type=None, download=False, **kw
    ):
        try:
            card_sudo = self._document_check_access(
                "supplier.scorecard", card_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not card_sudo.is_published:
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                card_sudo,
                report_type,
                "supplier_evaluation.supplier_scorecard_report_action",
                download=download,
            )
        history = card_sudo.search(
            [
                ("partner_id", "=", card_sudo.partner_id.id),
                ("company_id", "=", card_sudo.company_id.id),
                ("is_published", "=", True),
                ("date_from", "<=", card_sudo.date_from),
            ],
            order="date_from desc",
            limit=TREND_PERIODS,
        ).sorted("date_from")
        labels = [card.date_from.strftime("%Y-%m") for card in history]
        values = self._get_page_view_values(
            card_sudo,
            access_token,
            {
                "card": card_sudo,
                "page_name": "supplier_scorecard",
                "history": history,
                "criteria": card_sudo._portal_criteria(),
                # The charts are built from numbers and escaped labels only
                # (lib/charts.py).
                "trend_total": Markup(
                    charts.sparkline_svg(
                        [
                            card.total_score if card.has_data else None
                            for card in history
                        ],
                        labels,
                        width=480,
                        height=90,
                        title=_("Total score"),
                        fluid=True,
                    )
                ),
                "trend_on_time": Markup(
                    charts.sparkline_svg(
                        [
                            card.on_time_rate if card.has_data else None
                            for card in history
                        ],
                        labels,
                        width=480,
                        height=90,
                        color="#017E84",
                        title=_("On-time delivery (%)"),
                        fluid=True,
                    )
                ),
            },
            "my_scorecards_history",
            False,
            **kw,
        )
        own = request.env.user.share and (
            request.env.user.commercial_partner_id == card_sudo.partner_id
        )
        values.update(
            {
                # The lines behind the criteria: for the supplier's own users only,
                # never through a shared link.
                "dispute_lines": card_sudo._dispute_lines().values() if own else [],
                "can_dispute": own and card_sudo.state == "published",
                "disputes": card_sudo.dispute_ids if own else card_sudo.dispute_ids[:0],
                "dispute_reasons": request.env["supplier.scorecard.dispute"]
                ._fields["reason"]
                ._description_selection(request.env),
                "dispute_criteria": request.env["supplier.scorecard.dispute"]
                ._fields["criterion"]
                ._description_selection(request.env),
                "error": self._form_error_message(
                    kw.get("error"), card_sudo.company_id
                ),
            }
        )
        return request.render("supplier_evaluation.portal_my_scorecard", values)

    @http.route(
        ["/my/scorecards/<int:card_id>/dispute"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=_upload_request_limit,
    )
    def portal_dispute_scorecard_line(
        self, card_id, line_id=0, criterion="", reason="", description="", **kw
    ):
        """The supplier disputes one line behind a criterion of its published card."""
        try:
            card_sudo = self._document_check_access("supplier.scorecard", card_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        user = request.env.user
        if not user.share or user.commercial_partner_id != card_sudo.partner_id:
            return request.redirect("/my")
        url = f"/my/scorecards/{card_id}"
        Dispute = request.env["supplier.scorecard.dispute"]
        try:
            line_id = int(line_id or 0)
            if (
                card_sudo.state != "published"
                or line_id not in card_sudo._dispute_lines()
                or criterion not in dict(Dispute._fields["criterion"].selection)
                or reason not in dict(Dispute._fields["reason"].selection)
            ):
                raise PortalFormError("refused")
            attachments = (
                request.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {"name": name, "raw": data, "mimetype": mimetype}
                        for name, data, mimetype in self._checked_evidence(
                            card_sudo.company_id
                        )
                    ]
                )
            )
            # Whitelisted values only; the model checks the line again.
            Dispute.sudo().with_context(mail_create_nosubscribe=True).create(
                {
                    "scorecard_id": card_sudo.id,
                    "purchase_line_id": line_id,
                    "criterion": criterion,
                    "reason": reason,
                    "description": description,
                    "attachment_ids": [fields.Command.set(attachments.ids)],
                }
            )
        except (PortalFormError, UserError, ValidationError, ValueError) as error:
            request.env.cr.rollback()
            return request.redirect(f"{url}?error={self._form_error_code(error)}")
        return request.redirect(f"{url}#disputes")

    def _get_http_headers(self, model, report_type, report, download):
        if model._name != "supplier.scorecard":
            return super()._get_http_headers(model, report_type, report, download)
        # Odoo's version names the file with _get_report_base_filename(), which
        # scorecards lack.
        headers = {
            "Content-Type": "application/pdf" if report_type == "pdf" else "text/html",
            "Content-Length": len(report),
        }
        if report_type == "pdf" and download:
            name = re.sub(
                r"\W+", "_", f"Scorecard {model.partner_id.name} {model.date_from}"
            )
            headers["Content-Disposition"] = content_disposition(f"{name}.pdf")
        return headers

    # -------------------------------------------------------------- corrective actions
    @http.route(
        ["/my/corrective_actions", "/my/corrective_actions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_corrective_actions(self, page=1, **kw):
        return self._list_page(
            "supplier.corrective.action",
            "/my/corrective_actions",
            page,
            "supplier_evaluation.portal_my_corrective_actions",
            "actions",
            "request_date desc, id desc",
            "supplier_corrective_action",
        )

    @http.route(
        ["/my/corrective_actions/<int:action_id>"],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_corrective_action(
        self, action_id, access_token=None, error=None, success=None, **kw
    ):
        try:
            action_sudo = self._document_check_access(
                "supplier.corrective.action", action_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            action_sudo,
            access_token,
            {
                "action": action_sudo,
                "page_name": "supplier_corrective_action",
                "error": self._form_error_message(error, action_sudo.company_id),
                "success": success,
                "max_upload_mb": action_sudo.company_id.supplier_portal_max_upload_mb,
            },
            "my_corrective_actions_history",
            False,
            **kw,
        )
        return request.render("supplier_evaluation.portal_my_corrective_action", values)

    @http.route(
        ["/my/corrective_actions/<int:action_id>/answer"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=_upload_request_limit,
    )
    def portal_answer_corrective_action(
        self, action_id, root_cause="", action_plan="", committed_date="", **kw
    ):
        try:
            action_sudo = self._document_check_access(
                "supplier.corrective.action", action_id
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = f"/my/corrective_actions/{action_id}"
        try:
            if action_sudo.state not in ("requested", "rejected"):
                raise PortalFormError("answered")
            if not root_cause.strip() or not action_plan.strip():
                raise PortalFormError("incomplete")
            files = self._checked_evidence(action_sudo.company_id)
            try:
                committed = (
                    fields.Date.to_date(committed_date) if committed_date else False
                )
            except ValueError:
                raise PortalFormError("dates") from None
            attachments = (
                request.env["ir.attachment"]
                .sudo()
                .create(
                    [
                        {
                            "name": name,
                            "raw": data,
                            "mimetype": mimetype,
                            "res_model": "supplier.corrective.action",
                            "res_id": action_sudo.id,
                        }
                        for name, data, mimetype in files
                    ]
                )
            )
            action_sudo.with_user(request.env.user)._submit_answer(
                root_cause, action_plan, committed, attachments
            )
        except (PortalFormError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            # Shown again with what the supplier typed (a browser never refills a file
            # input, and a redirect would lose the text too).
            response = self.portal_my_corrective_action(
                action_id, error=self._form_error_code(error)
            )
            response.qcontext["answer"] = {
                "root_cause": root_cause,
                "action_plan": action_plan,
                "committed_date": committed_date,
            }
            return response
        action_sudo.message_post(
            body=_("Answer submitted: %(cause)s", cause=root_cause),
            attachment_ids=attachments.ids,
            author_id=request.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return request.redirect(f"{url}?success=1")

    # ------------------------------------------------------------------ certificates
    @http.route(
        ["/my/certificates", "/my/certificates/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_certificates(self, page=1, error=None, success=None, **kw):
        response = self._list_page(
            "supplier.certificate",
            "/my/certificates",
            page,
            "supplier_evaluation.portal_my_certificates",
            "certificates",
            "expiry_date, id",
            "supplier_certificate",
        )
        response.qcontext.update(
            error=self._form_error_message(error, request.env.company),
            success=success,
            certificate_types=request.env["supplier.certificate.type"].search([]),
        )
        return response

    def _certificate_form(self, company, issue_date, expiry_date):
        """(filename, data, issue date, expiry date) of a certificate form, or raise
        PortalFormError."""
        upload = self._checked_upload(
            request.httprequest.files.get("document"), "documents", company
        )
        if not upload:
            raise PortalFormError("missing_file")
        try:
            issued, expires = (
                fields.Date.to_date(issue_date or None),
                fields.Date.to_date(expiry_date or None),
            )
        except ValueError:
            raise PortalFormError("dates") from None
        if not issued or not expires or expires <= issued:
            raise PortalFormError("dates")
        name, data, _mimetype = upload
        return name, data, issued, expires

    @http.route(
        ["/my/certificates/<int:certificate_id>/renew"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=_upload_request_limit,
    )
    def portal_renew_certificate(
        self, certificate_id, issue_date="", expiry_date="", number="", **kw
    ):
        try:
            certificate_sudo = self._document_check_access(
                "supplier.certificate", certificate_id
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            name, data, issued, expires = self._certificate_form(
                certificate_sudo.company_id, issue_date, expiry_date
            )
            certificate_sudo.with_user(request.env.user)._submit_renewal(
                base64.b64encode(data), name, issued, expires, number
            )
        except (PortalFormError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            return request.redirect(
                f"/my/certificates?error={self._form_error_code(error)}"
            )
        return request.redirect("/my/certificates?success=1")

    @http.route(
        ["/my/certificates/new"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=_upload_request_limit,
    )
    def portal_new_certificate(
        self, certificate_type_id="", issue_date="", expiry_date="", number="", **kw
    ):
        if not request.env["supplier.certificate"].has_access("read"):
            return request.redirect("/my")
        try:
            name, data, issued, expires = self._certificate_form(
                request.env.company, issue_date, expiry_date
            )
            certificate_type = (
                request.env["supplier.certificate.type"]
                .browse(
                    int(certificate_type_id)
                    if str(certificate_type_id).isdigit()
                    else 0
                )
                .exists()
            )
            if not certificate_type:
                raise PortalFormError("certificate_type")
            request.env["supplier.certificate"]._submit_new(
                certificate_type,
                base64.b64encode(data),
                name,
                issued,
                expires,
                number.strip(),
            )
        except (PortalFormError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            return request.redirect(
                f"/my/certificates?error={self._form_error_code(error)}"
            )
        return request.redirect("/my/certificates?success=new")

    # -------------------------------------------------------- purchase order documents
    @http.route(
        ["/my/purchase/<int:order_id>/documents"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=_upload_request_limit,
    )
    def portal_purchase_order_document(self, order_id, kind="", note="", **kw):
        try:
            order_sudo = self._document_check_access("purchase.order", order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = f"/my/purchase/{order_id}"
        allowed = {"qc_report": "reports", "progress_photo": "images"}
        try:
            if kind not in allowed:
                raise PortalFormError("kind")
            upload = self._checked_upload(
                request.httprequest.files.get("document"),
                allowed[kind],
                order_sudo.company_id,
            )
            if not upload:
                raise PortalFormError("missing_file")
            order_sudo.with_user(request.env.user)._add_supplier_document(
                kind, *upload, note=note.strip() or False
            )
        except AccessError:
            # A follower of another supplier's order: the document rule keeps it out.
            request.env.cr.rollback()
            return request.redirect("/my")
        except (PortalFormError, UserError, ValidationError) as error:
            request.env.cr.rollback()
            return request.redirect(
                f"{url}?supplier_document_error={self._form_error_code(error)}#supplier_documents"
            )
        return request.redirect(f"{url}?supplier_document_success=1#supplier_documents")

    def _purchase_order_get_page_view_values(self, order, access_token, **kwargs):
        values = super()._purchase_order_get_page_view_values(
            order, access_token, **kwargs
        )
        # The documents as the user may read them (the order itself may be sudo): a
        # follower of another supplier's order sees the order, never that supplier's
        # documents.
        documents = request.env["supplier.order.document"].search(
            [("order_id", "=", order.id)]
        )
        values.update(
            {
                "supplier_document_error": self._form_error_message(
                    kwargs.get("supplier_document_error"), order.sudo().company_id
                ),
                "supplier_document_success": kwargs.get("supplier_document_success"),
                "supplier_documents": documents,
            }
        )
        return values
