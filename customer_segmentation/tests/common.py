from freezegun import freeze_time

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

RUN_DAY = "2026-04-01 10:00:00"


class SegmentationCase(TransactionCase):
    """A company of its own with a chart of accounts, salespeople, products and two
    customers."""

    # Where the queue bridge (customer_segmentation_queue) is installed too, its jobs
    # run at once (queue_job's queue_job__no_delay; without queue_job nothing reads
    # it): these tests check what a run writes, whichever way it runs. The
    # bridge's own tests, which check the jobs, set it False.
    JOBS_AT_ONCE = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.JOBS_AT_ONCE:
            cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        # A company of its own, so that figures do not depend on demo data.
        cls.company = cls.env["res.company"].create({"name": "Segmentation Co"})
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company, install_demo=False
        )
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=cls.company.ids)
        )
        cls.env.user.company_ids |= cls.company
        cls.company.partner_id.tz = "UTC"
        cls.company.customer_rfm_method = (
            "threshold"  # deterministic scores for a handful of customers
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.salesperson = new_test_user(
            cls.env,
            login="cs_seller",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.sales_manager = new_test_user(
            cls.env,
            login="cs_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="cs_other",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Widget",
                "type": "consu",
                "list_price": 1.0,
                "taxes_id": [Command.clear()],
            }
        )
        cls.eur = cls.env.ref("base.EUR")
        cls.eur.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": "2025-01-01",
                "rate": 2.0,
                "currency_id": cls.eur.id,
                "company_id": cls.company.id,
            }
        )
        cls.usd_pricelist = cls.env["product.pricelist"].create(
            {
                "name": "USD",
                "currency_id": cls.company.currency_id.id,
                "company_id": cls.company.id,
            }
        )
        cls.eur_pricelist = cls.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": cls.eur.id, "company_id": cls.company.id}
        )
        cls.acme = cls._customer("Acme")
        cls.acme_contact = cls.env["res.partner"].create(
            {"name": "Ann", "parent_id": cls.acme.id}
        )
        cls.bolt = cls._customer("Bolt")

    @classmethod
    def _customer(cls, name, user=None):
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "user_id": (user or cls.salesperson).id,
            }
        )

    @classmethod
    def _order(cls, partner, amount, day, pricelist=None, confirm=True):
        with freeze_time(day):
            order = cls.env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "company_id": cls.company.id,
                    "pricelist_id": (pricelist or cls.usd_pricelist).id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                            }
                        )
                    ],
                }
            )
            if confirm:
                order.action_confirm()
        return order

    @staticmethod
    def _confirm(order, day):
        """Confirm on ``day``: confirming dates the order (confirmed later, it would be
        after the run)."""
        with freeze_time(day):
            order.action_confirm()

    def _run(self, day=RUN_DAY, company=None):
        with freeze_time(day):
            return self.env["customer.segmentation.run"]._run_company(
                company or self.company
            )

    def _row_versions(self, records):
        """xmin of each record's row: it changes whenever the row is written."""
        self.env.flush_all()
        self.env.cr.execute(
            f"SELECT id, xmin::text FROM {records._table} WHERE id IN %s",  # noqa: SQL001
            [tuple(records.ids) or (0,)],
        )
        return dict(self.env.cr.fetchall())

    def _profile(self, partner, company=None):
        return self.env["customer.profile"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", (company or self.company).id),
            ]
        )
