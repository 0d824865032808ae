from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    supplier_required_certificate_type_ids = fields.Many2many(
        "supplier.certificate.type",
        "product_category_supplier_certificate_type_rel",
        "category_id",
        "certificate_type_id",
        "Certificates required from suppliers",
        groups="supplier_evaluation.supplier_evaluation_group_user",
        help="A supplier of this category (or of a sub-category) is approved only "
        "with a valid certificate of each of these types.",
    )
