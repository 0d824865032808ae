from contextlib import contextmanager

from markupsafe import Markup

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

CONFIRMED_STATES = ("to approve", "purchase", "done")
CONTROL_PASSED_KEY = "supplier_evaluation.control_passed"


class PurchaseOrder(models.Model):
    _name = "purchase.order"
    _inherit = ["purchase.order", "supplier.rated.mixin"]
    _supplier_rating_field = "purchase_id"

    supplier_qc_report_ids = fields.One2many(
        "supplier.order.document",
        "order_id",
        domain=[("kind", "=", "qc_report")],
        string="Quality-control reports",
    )
    supplier_progress_photo_ids = fields.One2many(
        "supplier.order.document",
        "order_id",
        domain=[("kind", "=", "progress_photo")],
        string="Progress photos",
    )
    supplier_control_override = fields.Text(
        "Supplier control override",
        readonly=True,
        copy=False,
        groups="purchase.group_purchase_user",
        help="Why a purchase administrator confirmed despite the supplier policy.",
    )

    def _supplier_rating_defaults(self):
        return {
            "purchase_id": self.id,
            "partner_id": self.partner_id.commercial_partner_id.id,
        }

    def _add_supplier_document(self, kind, filename, data, mimetype, note=False):
        """File a document the supplier uploaded (already checked by the portal) and
        tell the buyer."""
        self.ensure_one()
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": filename,
                    "raw": data,
                    "mimetype": mimetype,
                    "res_model": "purchase.order",
                    "res_id": self.id,
                }
            )
        )
        document = (
            self.env["supplier.order.document"]
            .sudo()
            .create(
                {
                    "order_id": self.id,
                    "kind": kind,
                    "attachment_id": attachment.id,
                    "note": note,
                    "uploaded_by": self.env.user.partner_id.id,
                }
            )
        )
        # The document's record rule decides who may file one: a portal follower of
        # another supplier's order reaches the order, not its documents (the caller
        # rolls back).
        document.sudo(False).check_access("read")
        label = dict(
            self.env["supplier.order.document"]
            ._fields["kind"]
            ._description_selection(self.env)
        )[kind]
        suffix = ": " + note if note else ""
        self.sudo().message_post(
            body=_(
                "%(kind)s uploaded by %(who)s%(note)s",
                kind=label,
                who=self.env.user.partner_id.name,
                note=suffix,
            ),
            attachment_ids=attachment.ids,
            author_id=self.env.user.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return document

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            "supplier_control_override" in vals for vals in vals_list
        ):
            raise self._supplier_control_override_refused()
        orders = super().create(vals_list)
        # An order created already confirmed never went through the control.
        if flagged := orders.filtered(
            lambda o: o.state in CONFIRMED_STATES
        )._supplier_control_pending():
            raise UserError(self._supplier_control_refusal(flagged))
        return orders

    def write(self, vals):
        if (
            "supplier_control_override" in vals
            and not self.env.su
            and not self._supplier_control_is_passed()
        ):
            raise self._supplier_control_override_refused()
        if "state" in vals or "partner_id" in vals:
            self._check_supplier_control_write(vals)
        return super().write(vals)

    def _check_supplier_control_write(self, vals):
        """Confirming by writing the state, or changing the vendor of a confirmed order,
        goes through the same control as the button; Odoo's own writes inside a checked
        confirmation pass."""
        new_partner = (
            self.env["res.partner"].browse(vals["partner_id"])
            if vals.get("partner_id")
            else None
        )
        to_check = self.browse()
        for order in self:
            state = vals.get("state", order.state)
            if state not in CONFIRMED_STATES:
                continue
            entering = order.state not in CONFIRMED_STATES or (
                order.state == "to approve" and state != "to approve"
            )
            new_supplier = (
                new_partner
                and new_partner.commercial_partner_id
                != order.partner_id.commercial_partner_id
            )
            if entering or new_supplier:
                to_check |= order
        if flagged := to_check._supplier_control_pending(new_partner):
            raise UserError(self._supplier_control_refusal(flagged))

    def button_confirm(self):
        """Warn or block confirmation for suppliers the company's policy flags; enforced
        server-side."""
        to_confirm = self.filtered(lambda o: o.state in ("draft", "sent"))
        if flagged := to_confirm._supplier_control_pending():
            return self._supplier_control_wizard_action(flagged)
        with to_confirm._supplier_control_passed():
            return super().button_confirm()

    def button_approve(self, force=False):
        # Approving is confirming: an order waiting for approval, or one that never went
        # through button_confirm, passes the control first.
        if flagged := self._supplier_control_pending():
            if all(order.state == "to approve" for order in flagged):
                return self._supplier_control_wizard_action(flagged)
            raise UserError(
                _(
                    "This supplier is flagged by the purchase policy: confirm the order with “Confirm Order”."  # noqa: E501
                )
            )
        with self._supplier_control_passed():
            return super().button_approve(force=force)

    def _supplier_control_wizard_action(self, flagged):
        # Created by the server only (buyers have no create access): the wizard is the
        # record that the warning was shown; its decision is checked again when it
        # confirms.
        wizard = (
            self.env["supplier.purchase.control.wizard"]
            .sudo()
            .create(
                {
                    "order_ids": [Command.set(self.ids)],
                    "severity": "block"
                    if any(v[0] == "block" for v in flagged.values())
                    else "warn",
                    "message": self._supplier_control_message(flagged),
                }
            )
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Supplier control"),
            "res_model": "supplier.purchase.control.wizard",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    def _supplier_control_override_refused(self):
        return AccessError(
            _(
                "Only a purchase administrator overriding a block writes the supplier policy override."  # noqa: E501
            )
        )

    def _supplier_control_refusal(self, flagged):
        return _(
            "The purchase policy warns about or blocks %(suppliers)s: confirm the "
            "order with “Confirm Order”, which shows the warning (a block needs a "
            "purchase administrator's override).",
            suppliers=", ".join(
                sorted(
                    {
                        order.partner_id.commercial_partner_id.display_name
                        for order in flagged
                    }
                )
            ),
        )

    # ------------------------------------------------------------- control bookkeeping
    def _supplier_control_passed_set(self):
        """(order id, supplier id) pairs the control let through in the running call.
        Kept on the cursor, which a client cannot reach (unlike the context)."""
        return self.env.cr.cache.setdefault(CONTROL_PASSED_KEY, set())

    @contextmanager
    def _supplier_control_passed(self):
        """Let these orders, with their current supplier, through the write guard while
        the block runs."""
        passed = self._supplier_control_passed_set()
        pairs = {
            (order.id, order.partner_id.commercial_partner_id.id) for order in self
        } - passed
        passed |= pairs
        try:
            yield
        finally:
            passed -= pairs

    def _supplier_control_is_passed(self, partner=None):
        passed = self._supplier_control_passed_set()
        return all(
            (order.id, (partner or order.partner_id).commercial_partner_id.id) in passed
            for order in self
        )

    def _supplier_control_pending(self, partner=None):
        """The verdicts of the orders (for ``partner`` if given, else their vendor) not
        yet let through."""
        return self.filtered(
            lambda o: not o._supplier_control_is_passed(partner)
        )._supplier_control_verdicts(partner)

    def _supplier_control_verdicts(self, partner=None):
        """{order: (action, reasons)} for the orders whose supplier the policy warns
        about or blocks."""
        flagged = {}
        for company in self.company_id:
            orders = self.filtered(lambda o, company=company: o.company_id == company)
            suppliers = (partner or orders.partner_id).commercial_partner_id.sudo()
            verdicts = (
                self.env["supplier.purchase.policy"]
                .sudo()
                ._verdicts(suppliers, company)
            )
            for order in orders:
                supplier = (partner or order.partner_id).commercial_partner_id
                action, reasons = verdicts.get(supplier.id, ("none", []))
                if action != "none":
                    flagged[order] = (action, reasons)
        return flagged

    def _supplier_control_message(self, flagged):
        parts = []
        for order, (action, reasons) in flagged.items():
            supplier = order.partner_id.commercial_partner_id
            head = _(
                "%(order)s — %(supplier)s (%(reasons)s): %(verdict)s",
                order=order.name,
                supplier=supplier.name,
                reasons=", ".join(reasons),
                verdict=_("blocked") if action == "block" else _("warning"),
            )
            alternatives = order._supplier_alternatives()
            lines = [Markup("<li>%s</li>") % alt for alt in alternatives] or [
                Markup("<li>%s</li>")
                % _("No other vendor is known for these products.")
            ]
            parts.append(
                Markup("<p><b>%s</b></p><p>%s</p><ul>%s</ul>")
                % (head, _("Other vendors of these products:"), Markup("").join(lines))
            )
        return Markup("").join(parts)

    def _supplier_alternatives(self):
        """Other vendors of the order's products (product.supplierinfo), with their
        current grade, leaving out those the purchase policy blocks."""
        self.ensure_one()
        supplier = self.partner_id.commercial_partner_id
        infos = (
            self.env["product.supplierinfo"]
            .sudo()
            .search(
                [
                    (
                        "product_tmpl_id",
                        "in",
                        self.order_line.product_id.product_tmpl_id.ids,
                    ),
                    ("company_id", "in", [False, self.company_id.id]),
                ]
            )
        )
        vendors = (infos.partner_id.commercial_partner_id - supplier).with_company(
            self.company_id
        )
        verdicts = (
            self.env["supplier.purchase.policy"]
            .sudo()
            ._verdicts(vendors, self.company_id)
        )
        vendors = vendors.filtered(
            lambda v: verdicts.get(v.id, ("none", []))[0] != "block"
        )
        return [
            self.env._(
                "%(vendor)s (grade %(grade)s)",
                vendor=vendor.name,
                grade=vendor.supplier_grade,
            )
            if vendor.supplier_grade
            else self.env._("%(vendor)s (not graded)", vendor=vendor.name)
            for vendor in vendors.sorted(lambda v: (v.supplier_grade or "Z", v.name))
        ]

    def _confirm_despite_supplier_control(self, reason):
        """Confirm (or approve) after the warning was shown; a block also needs a
        purchase administrator and a reason. Logged on the order, and for an override on
        the supplier too."""
        flagged = (
            self._supplier_control_verdicts()
        )  # recomputed: never trust the client's severity
        blocked = any(action == "block" for action, _reasons in flagged.values())
        if blocked:
            if not self.env.user.has_group("purchase.group_purchase_manager"):
                raise AccessError(
                    _(
                        "Only a purchase administrator can confirm an order to a blocked supplier."  # noqa: E501
                    )
                )
            if not (reason or "").strip():
                raise UserError(
                    _("Give the reason for overriding the supplier policy.")
                )
        with self._supplier_control_passed():
            for order in self.filtered(lambda o: o in flagged):
                if blocked:
                    note = _(
                        "Supplier policy overridden by %(user)s: %(reason)s",
                        user=self.env.user.name,
                        reason=reason,
                    )
                    order.supplier_control_override = reason
                    order.partner_id.commercial_partner_id.message_post(
                        body=Markup("%s (%s)") % (note, order.name),
                        subtype_xmlid="mail.mt_note",
                    )
                else:
                    note = _(
                        "Supplier policy warning accepted by %(user)s",
                        user=self.env.user.name,
                    )
                    if reason:
                        note = Markup("%s: %s") % (note, reason)
                order.message_post(body=note, subtype_xmlid="mail.mt_note")
            self.filtered(lambda o: o.state in ("draft", "sent")).button_confirm()
            self.filtered(lambda o: o.state == "to approve").button_approve()
        return True
