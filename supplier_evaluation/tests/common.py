from odoo.tests import TransactionCase, new_test_user


class SupplierEvaluationCase(TransactionCase):
    """Two companies, a buyer, a purchase administrator, and the default templates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.buyer = new_test_user(
            cls.env, login="se_buyer", groups="purchase.group_purchase_user",
            company_id=cls.company.id, company_ids=[cls.company.id],
        )
        cls.purchase_manager = new_test_user(
            cls.env, login="se_manager", groups="purchase.group_purchase_manager",
            company_id=cls.company.id, company_ids=[cls.company.id],
        )
        cls.other_manager = new_test_user(
            cls.env, login="se_other_manager", groups="purchase.group_purchase_manager",
            company_id=cls.other_company.id, company_ids=[cls.other_company.id],
        )
