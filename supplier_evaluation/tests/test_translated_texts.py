from freezegun import freeze_time

from odoo.tests import tagged

from . import test_alerts_and_control as alerts
from .common import SupplierEvaluationCase

# The module, not its class: a test class imported here would run twice.
month = alerts.month


@tagged("post_install", "-at_install")
class TestTranslatedTexts(SupplierEvaluationCase):
    """What the evaluation stores is worded in the reader's language, whichever
    language it ran in."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"]._load_module_terms(
            ["supplier_evaluation"], ["zh_CN"]
        )
        cls.company = cls.env["res.company"].create({"name": "Language Co"})
        # The tests give it their own alert rule.
        cls.env["supplier.alert.rule"].search(
            [("company_id", "=", cls.company.id)]
        ).unlink()
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Late Vendor", "is_company": True, "lang": "zh_CN"}
        )

    _card = alerts.TestAlertsAndControl._card
    _three_groups = alerts.TestAlertsAndControl._three_groups
    _request = alerts.TestAlertsAndControl._request

    def _growing_lead_time(self, env):
        for number, days in zip(range(1, 7), (7, 8, 10, 12, 13, 15), strict=True):
            card = self._card(self.vendor, number, 95, lead_time_avg=days)
        env["supplier.scorecard"]._analyse_period(self.company, month(6), card.ids)
        return card.with_env(self.env)

    def test_trend_warning_and_cluster_note_follow_the_reader(self):
        # Run in English, read in Chinese (the clusters below run the other way).
        card = self._growing_lead_time(self.env(context=dict(lang="en_US")))
        english = card.with_context(lang="en_US")
        chinese = card.with_context(lang="zh_CN")
        self.assertIn("Lead time grows by 1.6 days per period", english.trend_warning)
        self.assertIn("交货周期", chinese.trend_warning)
        self.assertIn("1.6", chinese.trend_warning)
        self.assertNotIn("Lead time", chinese.trend_warning)
        # 1 supplier with data, 9 needed for 3 clusters.
        self.assertIn("at least 9 needed", english.cluster_explanation)
        self.assertIn("9", chinese.cluster_explanation)
        self.assertNotIn("needed", chinese.cluster_explanation)
        self.assertEqual(
            self.env["supplier.scorecard"].search(
                [("company_id", "=", self.company.id), ("trend_warning", "!=", False)]
            ),
            card,
        )

    def test_cluster_explanation_follows_the_reader(self):
        vendors = self.env["res.partner"].create(
            [{"name": f"V{i}", "is_company": True} for i in range(9)]
        )
        cards = self._three_groups(vendors, 7)
        self.env["supplier.scorecard"].with_context(lang="zh_CN")._analyse_period(
            self.company, month(7), []
        )
        poor = cards[6]
        self.assertEqual(poor.cluster_label, "high_risk")
        english = poor.with_context(lang="en_US").cluster_explanation
        chinese = poor.with_context(lang="zh_CN").cluster_explanation
        self.assertIn("on-time delivery well below average", english)
        self.assertIn("lead time well above average (worse)", english)
        self.assertTrue(english.startswith("Group: "), english)
        self.assertIn("准时交货", chinese)
        self.assertNotIn("average", chinese)
        self.assertNotIn("; ", chinese)

    def test_alert_name_and_request_follow_the_reader(self):
        self.env.company = self.company
        rule = self.env["supplier.alert.rule"].create(
            {
                "name": "On-time delivery below 90% for 3 months",
                "company_id": self.company.id,
                "figure": "on_time_rate",
                "comparison": "<",
                "threshold": 90,
                "consecutive_periods": 3,
                "action": "request",
            }
        )
        rule.update_field_translations(
            "name", {"zh_CN": "连续 3 个月准时交货率低于 90%"}
        )
        for number in (1, 2, 3):
            self._card(self.vendor, number, 70)
        alert = (
            self.env["supplier.alert.rule"]
            .with_context(lang="en_US")
            ._evaluate_rules(self.company, month(3), None)
        )
        self.assertEqual(
            alert.with_context(lang="en_US").name,
            "Late Vendor: On-time delivery below 90% for 3 months",
        )
        self.assertEqual(
            alert.with_context(lang="zh_CN").name,
            "Late Vendor：连续 3 个月准时交货率低于 90%",
        )
        self.assertEqual(
            self.env["supplier.alert"]
            .with_context(lang="zh_CN")
            .search(
                [("company_id", "=", self.company.id), ("name", "ilike", "连续 3 个月")]
            ),
            alert,
        )
        action = alert.corrective_action_ids
        self.assertIn("in a row", action.with_context(lang="en_US").request)
        # The supplier is told in its language.
        told = action.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertIn("我们请求您提交纠正措施。", told.body)
        self.assertIn("2026-01: 70.0", told.body)
        self.assertNotIn("in a row", told.body)
        chinese = action.with_context(lang="zh_CN").request
        self.assertIn("2026-01: 70.0", chinese)
        self.assertNotIn("in a row", chinese)

    def test_reminders_in_the_language_of_who_reads_them(self):
        self.vendor.lang = "zh_CN"
        self.buyer.lang = "en_US"
        action = self._request("2026-04-10")
        with freeze_time("2026-04-11 08:00:00"):
            self.env["supplier.corrective.action"].with_context(
                lang="zh_CN"
            )._cron_remind_overdue()
        reminder = action.message_ids.filtered(lambda m: action.name in (m.body or ""))
        self.assertIn("的答复截止日期为", reminder.body)
        self.assertEqual(action.activity_ids.summary, "Overdue corrective action")
        # The supplier answers from the portal (in Chinese): the buyer reviews in
        # English.
        action.activity_ids.unlink()
        action.with_context(lang="zh_CN")._submit_answer("Breakdown", "Second shift")
        self.assertEqual(
            action.activity_ids.summary, "Review the answer of Late Vendor"
        )
