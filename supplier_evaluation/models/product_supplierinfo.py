from odoo import api, fields, models

from ..lib.vocabulary import EVALUATION_GROUP


class ProductSupplierinfo(models.Model):
    _inherit = "product.supplierinfo"

    supplier_lead_time_id = fields.Many2one(
        "supplier.lead.time",
        "Learned lead time",
        compute="_compute_supplier_lead_time",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_median = fields.Float(
        "Measured median (days)",
        compute="_compute_supplier_lead_time",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_p80 = fields.Float(
        "Measured 80th percentile (days)",
        compute="_compute_supplier_lead_time",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_receipts = fields.Integer(
        "Receipts measured",
        compute="_compute_supplier_lead_time",
        groups=EVALUATION_GROUP,
    )
    supplier_lead_time_differs = fields.Boolean(
        "Measured lead time differs",
        compute="_compute_supplier_lead_time",
        groups=EVALUATION_GROUP,
    )

    @api.depends_context("company")
    def _compute_supplier_lead_time(self):
        """The current company's measurement of each priceline."""
        rows = self.env["supplier.lead.time"].search(
            [
                ("supplierinfo_id", "in", self.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_line = {row.supplierinfo_id.id: row for row in rows}
        empty = rows.browse()
        for line in self:
            row = by_line.get(line.id, empty)
            line.supplier_lead_time_id = row
            line.supplier_lead_time_median = row.median_days
            line.supplier_lead_time_p80 = row.p80_days
            line.supplier_lead_time_receipts = row.receipt_count
            line.supplier_lead_time_differs = row.differs
