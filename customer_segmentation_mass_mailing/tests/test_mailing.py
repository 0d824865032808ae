from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.customer_segmentation.tests.common import SegmentationCase


@tagged("post_install", "-at_install")
class TestCustomerMailing(SegmentationCase):
    """A mailing to a segment or tier goes to exactly its customers of the company, as
    segmented when it is sent, and its results are counted per segment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref("mass_mailing.group_mass_mailing_user")
        cls.carl = cls._customer("Carl")
        cls._order(cls.acme, 5000, "2026-03-20 09:00:00")
        cls._order(cls.bolt, 100, "2025-06-05 09:00:00")
        cls._order(cls.carl, 100, "2025-06-06 09:00:00")
        # Carl is strategic in the other company only.
        cls.env["customer.profile"].sudo().create(
            {
                "partner_id": cls.carl.id,
                "company_id": cls.other_company.id,
                "tier": "strategic",
                "frequency": 1,
            }
        )

    def _mailing(self, **values):
        with Form(self.env["customer.mailing.wizard"]) as wizard:
            for name, value in values.items():
                setattr(wizard, name, value)
        action = wizard.record.action_create_mailing()
        return self.env["mailing.mailing"].browse(action["res_id"])

    def _recipients(self, mailing):
        return self.env["res.partner"].browse(mailing._get_recipients())

    def test_mailing_to_a_tier_targets_its_customers_of_the_company(self):
        self._run()
        strategic = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("tier", "=", "strategic")]
        )
        self.assertEqual(strategic.partner_id, self.acme)
        mailing = self._mailing(target="tier", tier="strategic")
        self.assertEqual(mailing.mailing_model_real, "res.partner")
        self.assertEqual(mailing.customer_company_id, self.company)
        # Not Carl, strategic in the other company; not Acme's contact.
        self.assertEqual(self._recipients(mailing), self.acme)
        # Sent later, the mailing follows the segmentation of that day.
        self._profile(self.bolt).sudo().tier = "strategic"
        self.assertEqual(self._recipients(mailing), self.acme | self.bolt)
        # ... whatever the sender's current company.
        self.assertEqual(
            self.env["res.partner"].browse(
                mailing.with_context(
                    allowed_company_ids=[self.other_company.id, self.company.id]
                )._get_recipients()
            ),
            self.acme | self.bolt,
        )

    def test_mailing_to_a_segment_and_its_results(self):
        self._run()
        segment = self._profile(self.bolt).segment_id
        members = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("segment_id", "=", segment.id)]
        )
        self.assertEqual(members.partner_id, self.bolt | self.carl)
        mailing = self._mailing(target="segment", segment_id=segment)
        self.assertEqual(self._recipients(mailing), self.bolt | self.carl)
        self.bolt.email = "bolt@example.com"
        self.carl.email = "carl@example.com"
        with freeze_time("2026-04-02 08:00:00"):
            mailing.action_send_mail()
            traces = mailing.mailing_trace_ids
            self.assertEqual(traces.mapped("res_id"), [self.bolt.id, self.carl.id])
            traces.set_sent()
        traces.filtered(lambda t: t.res_id == self.bolt.id).set_replied()
        # Bolt orders 10 days after the mailing, and again 40 days after (not counted).
        self._order(self.bolt, 300, "2026-04-12 09:00:00")
        self._order(self.bolt, 700, "2026-05-12 09:00:00")
        rows = self.env["customer.mailing.report"]._read_group(
            [("mailing_id", "=", mailing.id)],
            ["segment_id"],
            [
                "sent_count:sum",
                "opened_count:sum",
                "replied_count:sum",
                "ordered_count:sum",
                "order_count:sum",
                "order_revenue:sum",
            ],
        )
        self.assertEqual(rows, [(segment, 2, 1, 1, 1, 1, 300.0)])
        # The salesperson sees the results of their own customers.
        self.carl.user_id = self.sales_manager
        own = (
            self.env["customer.mailing.report"]
            .with_user(self.salesperson)
            .search([("mailing_id", "=", mailing.id)])
        )
        self.assertEqual(own.partner_id, self.bolt)

    def test_a_segment_of_another_company_is_refused(self):
        scheme = self.env["customer.segment.scheme"].sudo()
        scheme._create_default(self.other_company)
        other_segment = (
            self.env["customer.segment"]
            .sudo()
            .search([("company_id", "=", self.other_company.id)], limit=1)
        )
        self.assertTrue(other_segment)
        with self.assertRaises(UserError):
            self.env["mailing.mailing"]._create_for_customers(
                self.company, "segment", other_segment, "x"
            )
        with self.assertRaises(UserError):
            self.env["mailing.mailing"]._create_for_customers(
                self.other_company.sudo(), "tier", "strategic", "x"
            )
