from odoo.tests import tagged

from odoo.addons.customer_segmentation.tests.common import SegmentationCase


@tagged("post_install", "-at_install")
class TestWinback(SegmentationCase):
    def _leads(self):
        return (
            self.env["crm.lead"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [("partner_id", "=", self.acme.id), ("customer_winback", "=", True)]
            )
        )

    def _downgrade(self, winback=False):
        """Acme: Champions on 1 April 2026, At Risk on 11 October (200 days without
        orders), with 2,500.00 of revenue in the window."""
        for day in (
            "2026-01-05",
            "2026-02-05",
            "2026-02-20",
            "2026-03-05",
            "2026-03-25",
        ):
            self._order(self.acme, 500, f"{day} 09:00:00")
        self._run()
        self.assertEqual(self._profile(self.acme).segment_id.code, "champions")
        # The rule table exists from the first run on.
        at_risk = self.env["customer.segment"].search(
            [("company_id", "=", self.company.id), ("code", "=", "at_risk")]
        )
        self.assertTrue(at_risk.alert_on_arrival)
        at_risk.winback_opportunity = winback
        run = self._run("2026-10-11 10:00:00")
        self.assertEqual(self._profile(self.acme).segment_id.code, "at_risk")
        return run

    def test_a_configured_downgrade_creates_one_opportunity(self):
        self._downgrade(winback=True)
        lead = self._leads()
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.user_id, self.salesperson)
        self.assertEqual(lead.company_id, self.company)
        self.assertEqual(lead.expected_revenue, 2500.0)
        self.assertEqual(
            (lead.customer_from_segment_id.code, lead.customer_to_segment_id.code),
            ("champions", "at_risk"),
        )
        self.assertIn(
            "moved from Champions to At Risk on 2026-10-11", str(lead.description)
        )
        self.assertIn("2,500.00", str(lead.description))
        # The salesperson sees it, as any of their opportunities.
        self.assertEqual(
            self.env["crm.lead"]
            .with_user(self.salesperson)
            .search([("customer_winback", "=", True)]),
            lead,
        )
        # Repeating the run, that day or the next: no second one.
        self._run("2026-10-11 20:00:00")
        self._run("2026-10-12 10:00:00")
        self.assertEqual(self._leads(), lead)
        # Acme orders again by itself: the opportunity is lost, with the reason.
        self._order(self.acme, 100, "2026-10-20 09:00:00")
        self.assertFalse(lead.active)
        self.assertEqual(
            lead.lost_reason_id,
            self.env.ref("customer_segmentation_crm.crm_lost_reason_came_back"),
        )

    def test_an_unconfigured_downgrade_creates_none(self):
        self._downgrade()
        self.assertFalse(self._leads())
        # The activity of the downgrade is still raised.
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)]
            ),
            1,
        )
