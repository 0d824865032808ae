from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import RUN_DAY, SegmentationCase


@tagged("post_install", "-at_install")
class TestCustomerFiguresSecurity(SegmentationCase):
    """Who reads a customer's figures: its salesperson, salespeople seeing all
    documents, sales managers.

    Like sale's "Personal Orders" rule, a salesperson with "own documents only" sees the
    customers assigned to them and the unassigned ones.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller_2 = new_test_user(
            cls.env,
            login="cs_seller_2",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.seller_all = new_test_user(
            cls.env,
            login="cs_seller_all",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.employee = new_test_user(
            cls.env,
            login="cs_employee",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="cs_portal",
            groups="base.group_portal",
            partner_id=cls.acme_contact.id,
        )
        cls.cobalt = cls._customer("Cobalt", user=cls.seller_2)
        cls.unassigned = cls.env["res.partner"].create(
            {"name": "Nobody's", "is_company": True}
        )
        cls.acme_order = cls._order(cls.acme, 1000, "2026-03-05 09:00:00")
        cls._order(cls.cobalt, 300, "2026-03-06 09:00:00")
        cls._order(cls.unassigned, 200, "2026-03-07 09:00:00")
        with freeze_time(RUN_DAY):
            cls.segmentation_run = cls.env["customer.segmentation.run"]._run_company(
                cls.company
            )
        cls.acme_profile = cls.env["customer.profile"].search(
            [("partner_id", "=", cls.acme.id), ("company_id", "=", cls.company.id)]
        )
        cls.customers = cls.acme | cls.cobalt | cls.unassigned
        cls.FIELDS = sorted(
            name
            for name, field in cls.env["res.partner"]._fields.items()
            if field._module == "customer_segmentation"
        )

    def _read(self, user, partner, fields):
        return partner.with_user(user).with_company(self.company).read(fields)[0]

    def test_every_figure_has_groups(self):
        self.assertAlmostEqual(self.acme_profile.monetary, 1000)
        self.assertIn("customer_revenue", self.FIELDS)
        Partner = self.env["res.partner"]
        for name in self.FIELDS:
            with self.subTest(field=name):
                self.assertTrue(
                    Partner._fields[name].groups, "a customer figure needs its groups"
                )

    def test_portal_and_plain_users_read_no_figure(self):
        for user in (self.portal_user, self.employee):
            for partner in (self.acme, self.acme_contact):
                for name in self.FIELDS:
                    with self.subTest(
                        user=user.login, partner=partner.name, field=name
                    ):
                        with self.assertRaises(AccessError):
                            partner.with_user(user).read([name])
                        with self.assertRaises(AccessError):
                            self.env["res.partner"].with_user(user).search_read(
                                [("id", "=", partner.id)], [name]
                            )
            with self.subTest(user=user.login, search="tier"):
                with self.assertRaises(AccessError):
                    self.env["res.partner"].with_user(user).search(
                        [("customer_tier", "=", "strategic")]
                    )
            self.assertFalse(
                set(self.FIELDS)
                & set(self.env["res.partner"].with_user(user).fields_get())
            )
        # Nor through the customer's own quotations.
        self.assertTrue(self.acme_order.with_user(self.portal_user).read(["name"]))
        for name in (
            "customer_tier",
            "customer_segment_id",
            "customer_crosssell_ids",
            "customer_service_note",
        ):
            with self.subTest(order_field=name):
                with self.assertRaises(AccessError):
                    self.acme_order.with_user(self.portal_user).read([name])

    def test_salesperson_sees_own_and_unassigned_customers_only(self):
        figures = [
            "customer_profile_id",
            "customer_tier",
            "customer_revenue",
            "customer_lifetime_value",
            "customer_payment_days",
            "customer_late_share",
            "customer_tier_reason",
            "customer_cluster_description",
            "customer_order_count",
        ]
        own = self._read(self.salesperson, self.acme, figures)
        self.assertEqual(own["customer_profile_id"][0], self.acme_profile.id)
        self.assertAlmostEqual(own["customer_revenue"], 1000)
        self.assertEqual(own["customer_order_count"], 1)
        self.assertEqual(own["customer_tier"], self.acme_profile.tier)
        self.assertTrue(own["customer_tier_reason"])
        unassigned = self._read(self.seller_2, self.unassigned, ["customer_revenue"])
        self.assertAlmostEqual(unassigned["customer_revenue"], 200)
        # Another salesperson's customer: nothing, whether by read, search_read or the
        # contact.
        for partner in (self.acme, self.acme_contact):
            other = self._read(self.seller_2, partner, figures)
            with self.subTest(partner=partner.name):
                self.assertFalse(other["customer_profile_id"])
                self.assertFalse(other["customer_tier"])
                self.assertFalse(other["customer_tier_reason"])
                self.assertEqual(other["customer_revenue"], 0.0)
                self.assertEqual(other["customer_order_count"], 0)
        rows = (
            self.env["res.partner"]
            .with_user(self.seller_2)
            .with_company(self.company)
            .search_read(
                [("id", "=", self.acme.id)], ["customer_revenue", "customer_tier"]
            )
        )
        self.assertEqual(
            (rows[0]["customer_revenue"], rows[0]["customer_tier"]), (0.0, False)
        )
        Partner = (
            self.env["res.partner"].with_user(self.seller_2).with_company(self.company)
        )
        self.assertNotIn(self.acme, Partner.search([("customer_tier", "!=", False)]))
        self.assertIn(self.cobalt, Partner.search([("customer_tier", "!=", False)]))
        # The profiles, suggestions and history themselves follow the same rule.
        self.assertEqual(
            self.env["customer.profile"]
            .with_user(self.seller_2)
            .search([("partner_id", "in", self.customers.ids)])
            .partner_id,
            self.cobalt | self.unassigned,
        )
        snapshot = self.env["customer.segment.snapshot"].create(
            {
                "run_id": self.segmentation_run.id,
                "date": "2026-04-01",
                "partner_id": self.acme.id,
            }
        )
        self.assertFalse(
            self.env["customer.segment.snapshot"]
            .with_user(self.seller_2)
            .search([("id", "=", snapshot.id)])
        )
        self.assertTrue(
            self.env["customer.segment.snapshot"]
            .with_user(self.salesperson)
            .search([("id", "=", snapshot.id)])
        )
        self.assertFalse(
            self.acme.with_user(self.seller_2)
            .with_company(self.company)
            .customer_crosssell_ids,
            "no suggestions of another salesperson's customer",
        )

    def test_all_documents_and_managers_see_every_customer(self):
        for user in (self.seller_all, self.sales_manager):
            with self.subTest(user=user.login):
                self.assertAlmostEqual(
                    self._read(user, self.acme, ["customer_revenue"])[
                        "customer_revenue"
                    ],
                    1000,
                )
                self.assertAlmostEqual(
                    self._read(user, self.cobalt, ["customer_revenue"])[
                        "customer_revenue"
                    ],
                    300,
                )
                self.assertEqual(
                    self.env["customer.profile"]
                    .with_user(user)
                    .search([("partner_id", "in", self.customers.ids)])
                    .partner_id,
                    self.customers,
                )

    def test_views_load_for_each_group(self):
        for user, sees in (
            (self.salesperson, True),
            (self.sales_manager, True),
            (self.employee, False),
        ):
            with self.subTest(user=user.login):
                arch = (
                    self.env["res.partner"]
                    .with_user(user)
                    .get_views([(False, "form")])["views"]["form"]["arch"]
                )
                self.assertEqual('name="customer_revenue"' in arch, sees)
                self.assertEqual('name="customer_tier"' in arch, sees)
                arch = (
                    self.env["res.partner"]
                    .with_user(user)
                    .get_views([(False, "list")])["views"]["list"]["arch"]
                )
                self.assertEqual('name="customer_tier"' in arch, sees)
        arch = (
            self.env["sale.order"]
            .with_user(self.salesperson)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn('name="customer_tier"', arch)

    def test_tier_defaults_apply_for_another_salespersons_customer(self):
        vip_list = self.env["product.pricelist"].create(
            {"name": "VIP", "company_id": self.company.id}
        )
        self.env["customer.tier.service"].create(
            {"tier": self.acme_profile.tier, "pricelist_id": vip_list.id}
        )
        quotation = Form(
            self.env["sale.order"].with_user(self.seller_2).with_company(self.company)
        )
        quotation.partner_id = self.acme
        self.assertEqual(
            quotation.pricelist_id,
            vip_list,
            "the service of the tier applies to every seller",
        )
        self.assertFalse(
            quotation.customer_tier, "the figures stay with the customer's salesperson"
        )


@tagged("post_install", "-at_install")
class TestCustomerFiguresRpc(HttpCase):
    """A customer's portal user asks for its own figures through JSON-RPC."""

    def test_portal_user_reads_no_figure_by_rpc(self):
        customer = self.env["res.partner"].create(
            {"name": "Rpc Customer", "is_company": True}
        )
        self.env["customer.profile"].create(
            {
                "partner_id": customer.id,
                "company_id": self.env.company.id,
                "monetary": 4321.0,
                "tier": "strategic",
            }
        )
        self.assertEqual(customer.customer_revenue, 4321.0)
        contact = self.env["res.partner"].create(
            {"name": "Rpc contact", "parent_id": customer.id}
        )
        new_test_user(
            self.env,
            login="cs_rpc_portal",
            groups="base.group_portal",
            partner_id=contact.id,
        )
        self.authenticate("cs_rpc_portal", "cs_rpc_portal")
        for partner in (customer, contact):
            for name in (
                "customer_revenue",
                "customer_tier",
                "customer_lifetime_value",
                "customer_payment_days",
            ):
                with self.subTest(partner=partner.name, field=name):
                    with (
                        mute_logger("odoo.http"),
                        self.assertRaises(JsonRpcException) as refused,
                    ):
                        self.make_jsonrpc_request(
                            "/web/dataset/call_kw",
                            {
                                "model": "res.partner",
                                "method": "read",
                                "args": [partner.ids, [name]],
                                "kwargs": {},
                            },
                        )
                    self.assertEqual(
                        str(refused.exception), "odoo.exceptions.AccessError"
                    )
