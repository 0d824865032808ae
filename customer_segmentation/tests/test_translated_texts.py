import datetime
import random
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestTranslatedTexts(SegmentationCase):
    """Names and notes are read in the reader's language, also in a language
    installed after they were made."""

    def _install_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["customer_segmentation"], ["zh_CN"]
        )

    def test_segment_names_reach_a_language_installed_later(self):
        if "zh_CN" in dict(self.env["res.lang"].get_installed()):
            self.skipTest("Chinese is installed already")
        scheme = self.env["customer.segment.scheme"]._create_default(self.company)
        champions, loyal = (
            scheme.segment_ids.filtered(lambda s, code=code: s.code == code)
            for code in ("champions", "loyal")
        )
        loyal.with_context(lang="en_US").name = "Regulars"
        self._install_chinese()
        self.assertEqual(champions.with_context(lang="zh_CN").name, "冠军客户")
        self.assertEqual(champions.with_context(lang="en_US").name, "Champions")
        self.assertEqual(scheme.with_context(lang="zh_CN").name, "RFM 客户细分")
        # A segment renamed by the user keeps its name.
        self.assertEqual(loyal.with_context(lang="zh_CN").name, "Regulars")
        # The rule table of a company made later gets the names at once.
        other = self.env["customer.segment.scheme"]._create_default(self.other_company)
        self.assertEqual(
            other.segment_ids.with_context(lang="zh_CN")
            .filtered(lambda s: s.code == "champions")
            .name,
            "冠军客户",
        )

    def test_run_notes_follow_the_reader(self):
        self._install_chinese()
        self._order(self.acme, 100, "2026-03-05 09:00:00")
        self._order(self.bolt, 100, "2026-03-06 09:00:00")
        # Running twice in a day changes nothing: a day for each language.
        for run_lang, day in (
            ("en_US", "2026-04-01 10:00:00"),
            ("zh_CN", "2026-04-02"),
        ):
            with self.subTest(run_lang=run_lang), freeze_time(day):
                run = (
                    self.env["customer.segmentation.run"]
                    .with_context(lang=run_lang)
                    ._run_company(self.company)
                )
                english, chinese = (
                    run.with_context(lang=lang) for lang in ("en_US", "zh_CN")
                )
                self.assertIn(
                    "No lifetime value: Not enough customers to fit the BG/NBD "
                    "purchase model: 2 customer(s), at least 20 are needed.",
                    english.clv_note,
                )
                self.assertEqual(
                    chinese.clv_note,
                    "未计算客户终身价值：客户太少，无法拟合 BG/NBD 购买模型："
                    "2 位客户，至少需要 20 位。",
                )
                self.assertIn("No clusters: 2 customers", english.cluster_note)
                self.assertIn("无法聚类", chinese.cluster_note)
                self.assertFalse(english.holdout_report)
        # The first run's note, read in both languages.
        first = self.env["customer.segmentation.run"].search(
            [("company_id", "=", self.company.id)], order="date", limit=1
        )
        self.assertIn("First run: 2 customers", first.with_context(lang="en_US").note)
        self.assertIn("2", first.with_context(lang="zh_CN").note)
        self.assertNotIn("First run", first.with_context(lang="zh_CN").note)

    def test_a_fit_that_does_not_converge_says_so(self):
        self._install_chinese()
        self._order(self.acme, 100, "2026-03-05 09:00:00")
        not_converged = {"converged": False, "message": "ABNORMAL_TERMINATION"}
        with patch(
            "odoo.addons.customer_segmentation.lib.clv.fit_bgnbd",
            return_value=not_converged,
        ):
            run = self._run()
        self.assertEqual(
            run.with_context(lang="en_US").clv_note,
            "No lifetime value: the purchase model did not converge "
            "(ABNORMAL_TERMINATION)",
        )
        self.assertIn("ABNORMAL_TERMINATION", run.with_context(lang="zh_CN").clv_note)
        self.assertNotIn("did not converge", run.with_context(lang="zh_CN").clv_note)

    def test_downgrade_activity_in_the_salesperson_s_language(self):
        self._install_chinese()
        self.salesperson.lang = "zh_CN"
        days = ("2026-01-05", "2026-02-05", "2026-02-20", "2026-03-05", "2026-03-25")
        for day in days:
            self._order(self.acme, 500, f"{day} 09:00:00")
        self._run()  # Champions, run in English
        self._run("2026-10-11 10:00:00")  # 200 days without orders: At Risk
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.acme.id)]
        )
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.summary, "冠军客户 → 流失风险客户")
        self.assertIn("分析窗口内的风险收入", str(activity.note))

    def test_cluster_words_follow_the_reader(self):
        self._install_chinese()
        rng = random.Random(7)
        for i in range(30):
            partner = self._customer(f"Customer {i}")
            first = rng.randint(0, 400)
            for k in range(rng.choice([1, 1, 2, 3, 4, 6])):
                day = datetime.date(2024, 5, 1) + datetime.timedelta(
                    days=min(first + k * rng.randint(20, 90), 700)
                )
                self._order(partner, rng.choice([100, 200, 400]), f"{day} 09:00:00")
        run = self._run()  # run in English
        self.assertGreaterEqual(run.cluster_count, 2)
        profiles = self.env["customer.profile"].search(
            [("company_id", "=", self.company.id), ("frequency", ">", 0)]
        )
        english = profiles.with_context(lang="en_US")
        chinese = profiles.with_context(lang="zh_CN")
        for profile, in_english, in_chinese in zip(
            profiles, english, chinese, strict=True
        ):
            self.assertTrue(in_english.cluster_description)
            if profile.cluster_code.partition("#")[0] != "average":
                self.assertNotEqual(
                    in_english.cluster_description,
                    in_chinese.cluster_description,
                    profile.cluster_code,
                )
                self.assertNotRegex(in_chinese.cluster_description, "[a-z]{3}")
        # Grouped by the stored code, each group labelled in the reader's language.
        for lang, records in (("en_US", english), ("zh_CN", chinese)):
            labels = dict(
                records.fields_get(["cluster_code"])["cluster_code"]["selection"]
            )
            groups = records._read_group(
                [("id", "in", profiles.ids)], ["cluster_code"], ["__count"]
            )
            self.assertEqual(len(groups), run.cluster_count, lang)
            for code, count in groups:
                members = records.filtered(lambda p, code=code: p.cluster_code == code)
                self.assertEqual(count, len(members))
                self.assertEqual(
                    {labels[code]}, set(members.mapped("cluster_description")), lang
                )
