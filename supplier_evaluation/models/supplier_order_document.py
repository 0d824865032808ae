from odoo import fields, models

DOCUMENT_KINDS = [
    ("qc_report", "Quality-control report"),
    ("progress_photo", "Production progress photo"),
]


class SupplierOrderDocument(models.Model):
    """A file a supplier attached to a purchase order from its portal, tagged with its
    kind."""

    _name = "supplier.order.document"
    _description = "Supplier Document on a Purchase Order"
    _order = "order_id, kind, id desc"

    order_id = fields.Many2one(
        "purchase.order", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="order_id.partner_id.commercial_partner_id",
        store=True,
        index=True,
        string="Supplier",
    )
    kind = fields.Selection(DOCUMENT_KINDS, required=True, readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", required=True, readonly=True, ondelete="cascade"
    )
    name = fields.Char(related="attachment_id.name")
    note = fields.Char(readonly=True)
    uploaded_by = fields.Many2one("res.partner", readonly=True)
    download_url = fields.Char(compute="_compute_download_url")

    def _compute_download_url(self):
        for document in self:
            document.download_url = (
                f"/web/content/{document.attachment_id.id}?download=true"
            )
