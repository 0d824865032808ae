import base64
from urllib.parse import quote

from markupsafe import Markup

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from ..lib import charts, uploads

PAGE_SIZE = 20
TREND_PERIODS = 12


class SupplierPortal(CustomerPortal):
    """Scorecards, corrective actions, certificates and order documents for suppliers' portal users.

    Reads go through record rules (``check_access``); writes use sudo() on whitelisted fields
    only, after the access check.
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
                values[counter] = records.search_count([]) if records.has_access("read") else 0
        return values

    # ------------------------------------------------------------------ helpers
    def _list_page(self, model, url, page, template, key, order, page_name):
        records = request.env[model]
        count = records.search_count([]) if records.has_access("read") else 0
        pager = portal_pager(url=url, total=count, page=page, step=PAGE_SIZE)
        values = self._prepare_portal_layout_values()
        values.update({
            key: records.search([], order=order, limit=PAGE_SIZE, offset=pager["offset"]) if count else records,
            "pager": pager,
            "page_name": page_name,
            "default_url": url,
        })
        return request.render(template, values)

    def _checked_upload(self, upload, allowed, company):
        """(filename, data, mimetype) of an acceptable upload, or raise UserError in the user's language."""
        if not upload or not getattr(upload, "filename", None):
            return None
        data = upload.read()
        max_bytes = int(company.supplier_portal_max_upload_mb * 1024 * 1024)
        kind, problem = uploads.check_upload(upload.filename, data, allowed, max_bytes)
        if problem:
            names = ", ".join(sorted(uploads.KINDS[k][1] for k in allowed))
            messages = {
                "empty": _("“%s” is empty.", upload.filename),
                "too_large": _("“%(file)s” is larger than %(limit)s MB.", file=upload.filename,
                               limit=company.supplier_portal_max_upload_mb),
                "type": _("“%(file)s” is not an accepted file. Accepted: %(kinds)s.", file=upload.filename, kinds=names),
                "mismatch": _("“%s” does not contain what its name says: rename it or export it again.", upload.filename),
            }
            raise UserError(messages[problem])
        return upload.filename, data, uploads.MIMETYPES[kind]

    # ------------------------------------------------------------------ scorecards
    @http.route(["/my/scorecards", "/my/scorecards/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_scorecards(self, page=1, **kw):
        return self._list_page("supplier.scorecard", "/my/scorecards", page,
                               "supplier_evaluation.portal_my_scorecards", "scorecards",
                               "date_from desc, id desc", "supplier_scorecard")

    @http.route(["/my/scorecards/<int:card_id>"], type="http", auth="public", website=True)
    def portal_my_scorecard(self, card_id, access_token=None, report_type=None, download=False, **kw):
        try:
            card_sudo = self._document_check_access("supplier.scorecard", card_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not card_sudo.is_published:
            return request.redirect("/my")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(card_sudo, report_type, "supplier_evaluation.supplier_scorecard_report_action",
                                     download=download)
        history = card_sudo.search([
            ("partner_id", "=", card_sudo.partner_id.id), ("company_id", "=", card_sudo.company_id.id),
            ("is_published", "=", True), ("date_from", "<=", card_sudo.date_from),
        ], order="date_from desc", limit=TREND_PERIODS).sorted("date_from")
        labels = [card.date_from.strftime("%Y-%m") for card in history]
        values = self._get_page_view_values(card_sudo, access_token, {
            "card": card_sudo,
            "page_name": "supplier_scorecard",
            "history": history,
            "criteria": card_sudo._portal_criteria(),
            # The charts are built from numbers and escaped labels only (lib/charts.py).
            "trend_total": Markup(charts.sparkline_svg(
                [card.total_score if card.has_data else None for card in history], labels,
                width=480, height=90, title=_("Total score"))),
            "trend_on_time": Markup(charts.sparkline_svg(
                [card.on_time_rate if card.has_data else None for card in history], labels,
                width=480, height=90, color="#017E84", title=_("On-time delivery (%)"))),
        }, "my_scorecards_history", False, **kw)
        return request.render("supplier_evaluation.portal_my_scorecard", values)

    # ------------------------------------------------------------------ corrective actions
    @http.route(["/my/corrective_actions", "/my/corrective_actions/page/<int:page>"], type="http", auth="user",
                website=True)
    def portal_my_corrective_actions(self, page=1, **kw):
        return self._list_page("supplier.corrective.action", "/my/corrective_actions", page,
                               "supplier_evaluation.portal_my_corrective_actions", "actions",
                               "request_date desc, id desc", "supplier_corrective_action")

    @http.route(["/my/corrective_actions/<int:action_id>"], type="http", auth="public", website=True)
    def portal_my_corrective_action(self, action_id, access_token=None, error=None, success=None, **kw):
        try:
            action_sudo = self._document_check_access("supplier.corrective.action", action_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(action_sudo, access_token, {
            "action": action_sudo,
            "page_name": "supplier_corrective_action",
            "error": error,
            "success": success,
            "max_upload_mb": action_sudo.company_id.supplier_portal_max_upload_mb,
        }, "my_corrective_actions_history", False, **kw)
        return request.render("supplier_evaluation.portal_my_corrective_action", values)

    @http.route(["/my/corrective_actions/<int:action_id>/answer"], type="http", auth="user", methods=["POST"],
                website=True)
    def portal_answer_corrective_action(self, action_id, root_cause="", action_plan="", committed_date="", **kw):
        try:
            action_sudo = self._document_check_access("supplier.corrective.action", action_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = f"/my/corrective_actions/{action_id}"
        try:
            files = [self._checked_upload(upload, uploads.DOCUMENTS, action_sudo.company_id)
                     for upload in request.httprequest.files.getlist("evidence")]
            files = [f for f in files if f]
            committed = fields.Date.to_date(committed_date) if committed_date else False
            attachments = request.env["ir.attachment"].sudo().create([{
                "name": name, "raw": data, "mimetype": mimetype,
                "res_model": "supplier.corrective.action", "res_id": action_sudo.id,
            } for name, data, mimetype in files])
            action_sudo.with_user(request.env.user)._submit_answer(root_cause, action_plan, committed, attachments)
        except (UserError, ValidationError, ValueError) as error:
            request.env.cr.rollback()
            return request.redirect(f"{url}?error={_url_quote(str(error.args[0] if error.args else error))}")
        action_sudo.message_post(
            body=_("Answer submitted: %(cause)s", cause=root_cause), attachment_ids=attachments.ids,
            author_id=request.env.user.partner_id.id, message_type="comment", subtype_xmlid="mail.mt_comment")
        return request.redirect(f"{url}?success=1")

    # ------------------------------------------------------------------ certificates
    @http.route(["/my/certificates", "/my/certificates/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_certificates(self, page=1, error=None, success=None, **kw):
        response = self._list_page("supplier.certificate", "/my/certificates", page,
                                   "supplier_evaluation.portal_my_certificates", "certificates",
                                   "expiry_date, id", "supplier_certificate")
        response.qcontext.update(error=error, success=success)
        return response

    @http.route(["/my/certificates/<int:certificate_id>/renew"], type="http", auth="user", methods=["POST"],
                website=True)
    def portal_renew_certificate(self, certificate_id, issue_date="", expiry_date="", number="", **kw):
        try:
            certificate_sudo = self._document_check_access("supplier.certificate", certificate_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            upload = self._checked_upload(request.httprequest.files.get("document"), uploads.DOCUMENTS,
                                          certificate_sudo.company_id)
            if not upload:
                raise UserError(_("Attach the renewed certificate."))
            name, data, _mimetype = upload
            certificate_sudo.with_user(request.env.user)._submit_renewal(
                base64.b64encode(data), name, fields.Date.to_date(issue_date or None),
                fields.Date.to_date(expiry_date or None), number)
        except (UserError, ValidationError, ValueError) as error:
            request.env.cr.rollback()
            return request.redirect(f"/my/certificates?error={_url_quote(str(error.args[0] if error.args else error))}")
        return request.redirect("/my/certificates?success=1")

    # ------------------------------------------------------------------ purchase order documents
    @http.route(["/my/purchase/<int:order_id>/documents"], type="http", auth="user", methods=["POST"], website=True)
    def portal_purchase_order_document(self, order_id, kind="", note="", **kw):
        try:
            order_sudo = self._document_check_access("purchase.order", order_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        url = f"/my/purchase/{order_id}"
        allowed = {"qc_report": uploads.REPORTS, "progress_photo": uploads.IMAGES}
        try:
            if kind not in allowed:
                raise UserError(_("Choose what the file is: a quality-control report or a progress photo."))
            upload = self._checked_upload(request.httprequest.files.get("document"), allowed[kind],
                                          order_sudo.company_id)
            if not upload:
                raise UserError(_("Choose a file to upload."))
            order_sudo.with_user(request.env.user)._add_supplier_document(kind, *upload, note=note.strip() or False)
        except (UserError, ValidationError) as error:
            request.env.cr.rollback()
            return request.redirect(f"{url}?supplier_document_error={_url_quote(str(error.args[0]))}#supplier_documents")
        return request.redirect(f"{url}?supplier_document_success=1#supplier_documents")

    def _purchase_order_get_page_view_values(self, order, access_token, **kwargs):
        values = super()._purchase_order_get_page_view_values(order, access_token, **kwargs)
        values.update({
            "supplier_document_error": kwargs.get("supplier_document_error"),
            "supplier_document_success": kwargs.get("supplier_document_success"),
            "supplier_documents": order.sudo().supplier_qc_report_ids | order.sudo().supplier_progress_photo_ids,
        })
        return values


def _url_quote(text):
    return quote(text[:500])
