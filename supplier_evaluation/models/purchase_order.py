from markupsafe import Markup

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    supplier_qc_report_ids = fields.One2many(
        "supplier.order.document", "order_id", domain=[("kind", "=", "qc_report")], string="Quality-control reports")
    supplier_progress_photo_ids = fields.One2many(
        "supplier.order.document", "order_id", domain=[("kind", "=", "progress_photo")], string="Progress photos")
    supplier_control_override = fields.Text("Supplier control override", readonly=True, copy=False,
                                            help="Why a purchase administrator confirmed despite the supplier policy.")

    def _add_supplier_document(self, kind, filename, data, mimetype, note=False):
        """File a document the supplier uploaded (already checked by the portal) and tell the buyer."""
        self.ensure_one()
        attachment = self.env["ir.attachment"].sudo().create({
            "name": filename, "raw": data, "mimetype": mimetype, "res_model": "purchase.order", "res_id": self.id,
        })
        document = self.env["supplier.order.document"].sudo().create({
            "order_id": self.id, "kind": kind, "attachment_id": attachment.id, "note": note,
            "uploaded_by": self.env.user.partner_id.id,
        })
        # The document's record rule decides who may file one: a portal follower of another
        # supplier's order reaches the order, not its documents (the caller rolls back).
        document.sudo(False).check_access("read")
        label = dict(self.env["supplier.order.document"]._fields["kind"]._description_selection(self.env))[kind]
        suffix = ": " + note if note else ""
        self.sudo().message_post(
            body=_("%(kind)s uploaded by %(who)s%(note)s", kind=label, who=self.env.user.partner_id.name,
                   note=suffix),
            attachment_ids=attachment.ids, author_id=self.env.user.partner_id.id,
            message_type="comment", subtype_xmlid="mail.mt_note",
        )
        return document

    def button_confirm(self):
        """Warn or block confirmation for suppliers the company's policy flags; enforced server-side."""
        if self.env.context.get("supplier_control_checked"):
            return super().button_confirm()
        flagged = self._supplier_control_verdicts()
        if not flagged:
            return super().button_confirm()
        wizard = self.env["supplier.purchase.control.wizard"].create({
            "order_ids": [(6, 0, self.ids)],
            "severity": "block" if any(v[0] == "block" for v in flagged.values()) else "warn",
            "message": self._supplier_control_message(flagged),
        })
        return {
            "type": "ir.actions.act_window",
            "name": _("Supplier control"),
            "res_model": "supplier.purchase.control.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _supplier_control_verdicts(self):
        """{order: (action, reasons)} for the orders to confirm that the policy warns about or blocks."""
        flagged = {}
        for company in self.company_id:
            orders = self.filtered(lambda o: o.company_id == company and o.state in ("draft", "sent", "to approve"))
            verdicts = self.env["supplier.purchase.policy"].sudo()._verdicts(
                orders.partner_id.commercial_partner_id, company)
            for order in orders:
                action, reasons = verdicts.get(order.partner_id.commercial_partner_id.id, ("none", []))
                if action != "none":
                    flagged[order] = (action, reasons)
        return flagged

    def _supplier_control_message(self, flagged):
        parts = []
        for order, (action, reasons) in flagged.items():
            supplier = order.partner_id.commercial_partner_id
            head = _("%(order)s — %(supplier)s (%(reasons)s): %(verdict)s",
                     order=order.name, supplier=supplier.name, reasons=", ".join(reasons),
                     verdict=_("blocked") if action == "block" else _("warning"))
            alternatives = order._supplier_alternatives()
            lines = [Markup("<li>%s</li>") % alt for alt in alternatives] or [
                Markup("<li>%s</li>") % _("No other vendor is known for these products.")]
            parts.append(Markup("<p><b>%s</b></p><p>%s</p><ul>%s</ul>") % (
                head, _("Other vendors of these products:"), Markup("").join(lines)))
        return Markup("").join(parts)

    def _supplier_alternatives(self):
        """Other vendors of the order's products (product.supplierinfo), with their current grade."""
        self.ensure_one()
        supplier = self.partner_id.commercial_partner_id
        infos = self.env["product.supplierinfo"].sudo().search([
            ("product_tmpl_id", "in", self.order_line.product_id.product_tmpl_id.ids),
            ("company_id", "in", [False, self.company_id.id]),
        ])
        vendors = (infos.partner_id.commercial_partner_id - supplier).with_company(self.company_id)
        return [
            _("%(vendor)s (grade %(grade)s)", vendor=vendor.name, grade=vendor.supplier_grade or _("none"))
            for vendor in vendors.sorted(lambda v: (v.supplier_grade or "Z", v.name))
        ]

    def button_approve(self, force=False):
        # Approving an order that never went through button_confirm must not skip the control.
        unchecked = self.filtered(lambda o: o.state != "to approve")
        if unchecked and not self.env.context.get("supplier_control_checked") and unchecked._supplier_control_verdicts():
            raise UserError(_("This supplier is flagged by the purchase policy: confirm the order with “Confirm Order”."))
        return super().button_approve(force=force)

    def _confirm_despite_supplier_control(self, reason):
        """Confirm after the warning was read; a block also needs a purchase administrator and a reason."""
        flagged = self._supplier_control_verdicts()  # recomputed: never trust the client's severity
        if any(action == "block" for action, _reasons in flagged.values()):
            if not self.env.user.has_group("purchase.group_purchase_manager"):
                raise AccessError(_("Only a purchase administrator can confirm an order to a blocked supplier."))
            if not (reason or "").strip():
                raise UserError(_("Give the reason for overriding the supplier policy."))
        if reason:
            note = _("Supplier policy overridden by %(user)s: %(reason)s", user=self.env.user.name, reason=reason)
            for order in self:
                order.supplier_control_override = reason
                order.message_post(body=note, subtype_xmlid="mail.mt_note")
                order.partner_id.commercial_partner_id.message_post(
                    body=Markup("%s (%s)") % (note, order.name), subtype_xmlid="mail.mt_note")
        return self.with_context(supplier_control_checked=True).button_confirm()
