from odoo import fields, models

from odoo.addons.supplier_evaluation.models.res_partner import EVALUATION_GROUP


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    # Compare Product Lines: each line with its vendor's standing.
    supplier_grade = fields.Selection(
        related="order_id.supplier_grade", groups=EVALUATION_GROUP
    )
    supplier_on_time = fields.Float(
        related="order_id.supplier_on_time", groups=EVALUATION_GROUP
    )
    supplier_lead_time = fields.Float(
        related="order_id.supplier_lead_time", groups=EVALUATION_GROUP
    )
    supplier_qualification = fields.Selection(
        related="order_id.supplier_qualification",
        groups=EVALUATION_GROUP,
    )
    supplier_best_value_reason = fields.Char(
        related="order_id.supplier_best_value_reason", groups=EVALUATION_GROUP
    )
