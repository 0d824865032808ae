from odoo import http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class SupplierQualificationPortal(CustomerPortal):
    """The supplier's own qualification: its state in the user's company, the
    certificates still missing, and the questionnaire to answer. Always the user's
    commercial partner: the URL carries no id."""

    @http.route("/my/qualification", type="http", auth="user", website=True)
    def portal_my_supplier_qualification(self, **kw):
        user = request.env.user
        if not user._is_portal():
            return request.redirect("/my")
        # sudo: the company's own partner (its time zone) is not the portal user's.
        company = request.env.company.sudo()
        supplier = user.partner_id.commercial_partner_id.sudo().with_company(company)
        states = dict(
            supplier._fields["supplier_qualification_state"]._description_selection(
                request.env
            )
        )
        pending = supplier._supplier_assessment_pending(company)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "supplier_qualification",
                "supplier_name": supplier.name,
                "company_name": company.name,
                "qualification_state": supplier.supplier_qualification_state,
                "qualification_label": states.get(
                    supplier.supplier_qualification_state
                ),
                "missing": supplier._supplier_certificate_gaps_text(company),
                "conditions": supplier.supplier_qualification_state == "conditional"
                and supplier.supplier_qualification_conditions,
                "questionnaire_title": pending.survey_id.title,
                "questionnaire_url": pending
                and f"{pending.survey_id.get_start_url()}?answer_token="
                f"{pending.access_token}",
            }
        )
        return request.render(
            "supplier_evaluation.portal_my_supplier_qualification", values
        )
