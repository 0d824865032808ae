from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestPartnerEvaluationTab(SupplierEvaluationCase):
    """The Supplier Evaluation tab shows where there is a supplier to evaluate."""

    def _tab_hidden(self, partner):
        # The page's own "invisible" expression from the form a buyer gets, evaluated
        # on the partner's values as the web client does.
        arch = (
            self.env["res.partner"]
            .with_user(self.buyer)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        page = etree.fromstring(arch).xpath("//page[@name='supplier_evaluation']")[0]
        partner = partner.with_user(self.buyer)
        names = {"is_company", "parent_id", "customer_rank", "supplier_rank"}
        values = {name: partner[name] for name in names}
        values["parent_id"] = partner.parent_id.id
        return bool(safe_eval(page.get("invisible"), values))

    def test_tab_hidden_on_customers_that_are_not_suppliers(self):
        Partner = self.env["res.partner"]
        customer = Partner.create({"name": "Buyer Ltd", "is_company": True})
        customer.customer_rank = 1
        supplier = Partner.create({"name": "Maker Ltd", "is_company": True})
        supplier.supplier_rank = 1
        both = Partner.create({"name": "Trader Ltd", "is_company": True})
        both.write({"customer_rank": 1, "supplier_rank": 1})
        candidate = Partner.create({"name": "Candidate Ltd", "is_company": True})
        self.assertTrue(self._tab_hidden(customer))
        self.assertFalse(self._tab_hidden(supplier))
        self.assertFalse(self._tab_hidden(both))
        self.assertFalse(self._tab_hidden(candidate), "a new partner may be qualified")
