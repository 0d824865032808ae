import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import MARCH, SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestStakeholderSurvey(SupplierEvaluationCase):
    """A survey of March sent on 04-02 to a buyer, a quality and a warehouse user
    about one supplier; each answers through the survey's own saving of lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.vendor = cls.env["res.partner"].create(
            {"name": "Surveyed Supplier", "is_company": True}
        )
        cls.quality, cls.warehouse = (
            new_test_user(
                cls.env,
                login=login,
                groups="base.group_user",
                company_id=cls.company.id,
                company_ids=[cls.company.id],
            )
            for login in ("se_quality", "se_warehouse")
        )
        cls.survey = cls.env.ref("supplier_evaluation.survey_supplier_stakeholders")
        cls.schedule = cls.env["supplier.stakeholder.survey"].create(
            {
                "name": "Monthly",
                "company_id": cls.company.id,
                "partner_ids": [(6, 0, cls.vendor.ids)],
                "user_ids": [(6, 0, (cls.buyer | cls.quality | cls.warehouse).ids)],
                "next_date": "2026-04-02",
            }
        )
        cls.questions = {q.supplier_criterion: q for q in cls.survey.question_ids}

    def _answer(self, user, nps, service, communication, comment=""):
        answer = self.schedule.answer_ids.filtered(lambda a: a.supplier_user_id == user)
        answer = answer.with_user(user).sudo()
        for criterion, value in (
            ("nps", nps),
            ("service", service),
            ("communication", communication),
            ("comment", comment),
        ):
            question = self.questions[criterion]
            answer._save_lines(question, "" if value is None else str(value))
        answer._mark_done()
        return answer

    def test_answers_feed_the_judged_criteria_and_the_nps(self):
        with freeze_time("2026-04-02 06:00:00"):
            self.env["supplier.stakeholder.survey"]._cron_send()
        answers = self.schedule.answer_ids
        self.assertEqual(len(answers), 3)
        self.assertEqual(set(answers.mapped("supplier_date")), {MARCH[1]})
        self.assertEqual(self.schedule.next_date, datetime.date(2026, 5, 1))
        # Sending again the same day invites nobody twice.
        with freeze_time("2026-04-02 07:00:00"):
            self.schedule.action_send()
        self.assertEqual(len(self.schedule.answer_ids), 3)
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_id", "=", self.vendor.id), ("res_model", "=", "res.partner")]
            ),
            3,
        )
        self._answer(self.buyer, 10, 5, 4, "Always helpful.")
        self._answer(self.quality, 9, 4, None)
        self._answer(self.warehouse, 3, 2, 2, "Pallets arrive broken.")
        ratings = self.env["supplier.rating"].search(
            [("partner_id", "=", self.vendor.id)]
        )
        self.assertEqual(len(ratings), 3)
        self.assertEqual(
            sorted(ratings.mapped("user_id").ids),
            sorted((self.buyer | self.quality | self.warehouse).ids),
        )
        self._evaluate(partners=self.vendor)
        card = self._card(self.vendor)
        # Service (5 + 4 + 2) / 3; communication (4 + 2) / 2, over 3 answers.
        self.assertEqual(card.rating_count, 3)
        self.assertAlmostEqual(card.service_rating, 11 / 3)
        self.assertAlmostEqual(card.communication_rating, 3.0)
        # Two promoters, one detractor out of three.
        self.assertEqual(card.stakeholder_answer_count, 3)
        self.assertAlmostEqual(card.stakeholder_nps, 100 / 3)
        self.assertIn("Pallets arrive broken.", card.stakeholder_comments)
        self.assertIn("Always helpful.", card.stakeholder_comments)

    def test_companies_and_portal_never_see_the_survey(self):
        with freeze_time("2026-04-02 06:00:00"):
            self.schedule.action_send()
        self._answer(self.buyer, 10, 5, 5)
        self._evaluate(partners=self.vendor)
        card = self._card(self.vendor)
        with self.assertRaises(AccessError):
            self.schedule.with_user(self.other_manager).read(["name"])
        # The other company's card of the same supplier and month has no answers.
        other = self.env["supplier.scorecard"].create(
            {
                "partner_id": self.vendor.id,
                "company_id": self.other_company.id,
                "period_type": "month",
                "date_from": MARCH[0],
                "date_to": MARCH[1],
            }
        )
        self.assertEqual(other.stakeholder_answer_count, 0)
        self.assertEqual(card.stakeholder_answer_count, 1)
        portal = new_test_user(self.env, login="se_portal", groups="base.group_portal")
        with self.assertRaises(AccessError):
            card.with_user(portal).read(["stakeholder_nps"])
