from odoo import models

# Vendors never put first, whatever their score.
LAST_STATES = ("refused", "blocked")


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _prepare_sellers(self, params=False):
        """With the company's setting, the vendor pricelines best-scored vendor first
        (the total of its latest scorecard in the company; without one after the
        scored ones; refused and blocked vendors last), Odoo's order among equals.
        _select_seller, and so replenishment, takes the first valid vendor."""
        sellers = super()._prepare_sellers(params)
        company = self.env.company
        if not company.supplier_order_sellers_by_score or len(sellers.partner_id) < 2:
            return sellers
        vendors = sellers.partner_id.commercial_partner_id
        totals = {}
        for card in (
            self.env["supplier.scorecard"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", vendors.ids),
                    ("company_id", "=", company.id),
                    ("has_data", "=", True),
                ],
                order="date_from desc, id desc",
            )
        ):
            totals.setdefault(card.partner_id.id, card.total_score)
        states = {
            vendor.id: vendor.supplier_qualification_state
            for vendor in vendors.sudo().with_company(company)
        }

        def key(seller):
            vendor = seller.partner_id.commercial_partner_id.id
            total = totals.get(vendor)
            return (
                states.get(vendor) in LAST_STATES,
                total is None,
                -(total or 0.0),
            )

        return sellers.sorted(key)
