from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.customer_segmentation.tests.common import SegmentationCase


@tagged("post_install", "-at_install")
class TestNps(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carl = cls._customer("Carl")
        cls.dan = cls._customer("Dan")
        # Acme: New Customers and strategic; Bolt, Carl and Dan: Hibernating.
        for partner, amount, day in (
            (cls.acme, 2000, "2026-03-10"),
            (cls.bolt, 100, "2025-06-10"),
            (cls.carl, 80, "2025-06-11"),
        ):
            partner.email = f"{partner.name.lower()}@example.com"
            cls._order(partner, amount, f"{day} 09:00:00")
        cls._order(cls.dan, 50, "2025-06-12 09:00:00")  # no e-mail address
        cls.survey = cls.env["survey.survey"].create({"title": "How are we doing?"})
        cls.question = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Would you recommend us to a friend?",
                "question_type": "scale",
                "scale_min": 0,
                "scale_max": 10,
            }
        )

    def _campaign(self, **values):
        return self.env["customer.nps.campaign"].create(
            {
                "name": "Quarterly",
                "company_id": self.company.id,
                "survey_id": self.survey.id,
                "question_id": self.question.id,
                "next_date": "2026-04-02",
                **values,
            }
        )

    def _answer(self, answer, score):
        answer._save_lines(self.question, str(score))
        answer._mark_done()

    def test_an_nps_answer_updates_the_customer_and_the_summary(self):
        self._run()
        segment = self._profile(self.bolt).segment_id
        self.assertEqual(self._profile(self.carl).segment_id, segment)
        campaign = self._campaign(target="segment", segment_id=segment.id)
        with freeze_time("2026-04-02 10:00:00"):
            campaign.action_send()
        answers = campaign.answer_ids
        # The segment's customers with an address; not Acme (another segment).
        self.assertEqual(answers.partner_id, self.bolt | self.carl)
        self.assertEqual(str(campaign.next_date), "2026-07-02")
        by_partner = {answer.partner_id: answer for answer in answers}
        with freeze_time("2026-04-03 10:00:00"):
            self._answer(by_partner[self.bolt], 9)
        profile = self._profile(self.bolt)
        self.assertEqual((profile.nps_score, str(profile.nps_date)), (9, "2026-04-03"))
        Report = self.env["customer.nps.report"]

        def summary():
            return Report._read_group(
                [("company_id", "=", self.company.id)],
                ["segment_id", "tier"],
                ["nps:sum", "answer_count:sum"],
            )

        tier = profile.tier
        self.assertEqual(summary(), [(segment, tier, 100.0, 1)])
        with freeze_time("2026-04-04 10:00:00"):
            self._answer(by_partner[self.carl], 3)
        self.assertEqual(self._profile(self.carl).nps_score, 3)
        # One promoter and one detractor of two answers.
        rows = summary()
        self.assertEqual(sum(row[3] for row in rows), 2)
        total = Report._read_group(
            [("company_id", "=", self.company.id)], [], ["nps:sum"]
        )
        self.assertEqual(total, [(0.0,)])
        # A zero is an answer: a detractor.
        with freeze_time("2026-04-05 10:00:00"):
            campaign.action_send()
        later = (campaign.answer_ids - answers).filtered(
            lambda a: a.partner_id == self.bolt
        )
        with freeze_time("2026-04-06 10:00:00"):
            self._answer(later, 0)
        self.assertEqual(
            Report._read_group([("company_id", "=", self.company.id)], [], ["nps:sum"]),
            [(-100.0,)],
        )

    def test_campaign_to_a_tier_and_its_rules(self):
        self._run()
        campaign = self._campaign(target="tier", tier="strategic")
        campaign.action_send()
        self.assertEqual(campaign.answer_ids.partner_id, self.acme)
        with self.assertRaises(ValidationError):
            self._campaign(target="tier")
        other = self.env["survey.question"].create(
            {
                "survey_id": self.survey.id,
                "title": "Stars?",
                "question_type": "scale",
                "scale_min": 1,
                "scale_max": 5,
            }
        )
        with self.assertRaises(ValidationError):
            self._campaign(target="tier", tier="key", question_id=other.id)
        with self.assertRaises(AccessError):
            campaign.with_user(self.salesperson).action_send()
        # Other companies' users do not see it.
        self.assertFalse(
            self.env["customer.nps.campaign"]
            .with_user(self.other_manager)
            .with_context(allowed_company_ids=self.other_company.ids)
            .search([])
        )
