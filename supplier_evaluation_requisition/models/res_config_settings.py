from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    supplier_best_value_weight = fields.Float(
        related="company_id.supplier_best_value_weight", readonly=False
    )
