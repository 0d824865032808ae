from odoo import fields, models

from ..lib.vocabulary import CRITERIA


class SupplierTemplateWhatifLine(models.TransientModel):
    _name = "supplier.template.whatif.line"
    _description = "Criterion of a Template Change"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "supplier.template.whatif", required=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    criterion = fields.Selection(CRITERIA, required=True)
    weight = fields.Float(required=True, digits=(5, 2))
    poor_value = fields.Float(string="Poor", required=True)
    excellent_value = fields.Float(string="Excellent", required=True)
