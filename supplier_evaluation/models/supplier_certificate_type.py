from odoo import fields, models


class SupplierCertificateType(models.Model):
    _name = "supplier.certificate.type"
    _description = "Supplier Certificate Type"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(
        translate=True,
        help="What the certificate attests, e.g. the standard it follows.",
    )
