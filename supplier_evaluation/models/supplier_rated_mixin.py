from odoo import fields, models

from ..lib.vocabulary import EVALUATION_GROUP


class SupplierRatedMixin(models.AbstractModel):
    """A document buyers rate its supplier from (a purchase order, a receipt)."""

    _name = "supplier.rated.mixin"
    _description = "Document a supplier is rated from"
    # The supplier.rating field that points at the document.
    _supplier_rating_field = None

    supplier_rating_count = fields.Integer(
        "Supplier ratings",
        compute="_compute_supplier_rating_count",
        groups=EVALUATION_GROUP,
    )

    def _compute_supplier_rating_count(self):
        field = self._supplier_rating_field
        counts = dict(
            self.env["supplier.rating"]._read_group(
                [(field, "in", self.ids)], [field], ["__count"]
            )
        )
        for document in self:
            document.supplier_rating_count = counts.get(document, 0)

    def _supplier_rating_defaults(self):
        """{supplier.rating field: value} of a rating given from this document."""
        raise NotImplementedError

    def action_rate_supplier(self):
        self.ensure_one()
        return self.env["supplier.rating"]._action_rate(
            self._supplier_rating_defaults()
        )

    def action_view_supplier_ratings(self):
        self.ensure_one()
        return self.env["supplier.rating"]._action_list(
            [(self._supplier_rating_field, "=", self.id)],
            self._supplier_rating_defaults(),
        )
