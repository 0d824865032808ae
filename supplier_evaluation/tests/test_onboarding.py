import json
import re

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestOnboarding(SupplierEvaluationCase, HttpCase):
    """A candidate supplier of Fasteners (which require ISO 9001) gets the Fasteners
    questionnaire: one scored question, 'ISO 9001 certified' is worth 10 of 10 points,
    'No formal system' 0. Its contact answers as a portal user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        iso9001 = cls.env.ref("supplier_evaluation.supplier_certificate_type_iso_9001")
        cls.fasteners = cls.env["product.category"].create(
            {
                "name": "Fasteners",
                "supplier_required_certificate_type_ids": [(6, 0, iso9001.ids)],
            }
        )
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Fastener supplier assessment",
                "access_mode": "token",
                "scoring_type": "scoring_without_answers",
                "questions_layout": "one_page",
            }
        )
        cls.question = cls.env["survey.question"].create(
            {
                "survey_id": cls.survey.id,
                "title": "Which quality system do you run?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    (0, 0, {"value": "ISO 9001 certified", "answer_score": 10}),
                    (0, 0, {"value": "No formal system", "answer_score": 0}),
                ],
            }
        )
        cls.env["supplier.assessment.survey"].create(
            [
                # Strategic suppliers would get another one; this supplier is routine.
                {
                    "survey_id": cls.env["survey.survey"]
                    .create(
                        {"title": "Strategic", "scoring_type": "scoring_with_answers"}
                    )
                    .id,
                    "kraljic_class": "strategic",
                    "sequence": 1,
                },
                {"survey_id": cls.survey.id, "category_id": cls.fasteners.id},
            ]
        )
        cls.candidate = cls.env["res.partner"].create(
            {
                "name": "Candidate Fasteners",
                "is_company": True,
                "supplier_category_ids": [(6, 0, cls.fasteners.ids)],
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Quality manager",
                "email": "quality@candidate.example.com",
                "parent_id": cls.candidate.id,
            }
        )
        new_test_user(
            cls.env,
            login="se_candidate",
            password="se_candidate",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        # Another supplier's portal user.
        other = cls.env["res.partner"].create({"name": "Other Co", "is_company": True})
        new_test_user(
            cls.env,
            login="se_other_portal",
            password="se_other_portal",
            groups="base.group_portal",
            partner_id=cls.env["res.partner"]
            .create({"name": "Other clerk", "parent_id": other.id})
            .id,
        )
        cls.other = other

    def _send(self):
        self.candidate.with_user(self.purchase_manager).write(
            {"supplier_assessment_contact_id": self.contact.id}
        )
        self.candidate.with_user(
            self.purchase_manager
        ).action_send_supplier_assessment()
        return self.env["survey.user_input"].search(
            [("supplier_partner_id", "=", self.candidate.id)]
        )

    def test_sent_from_the_supplier_form(self):
        # Nothing to send without a matching questionnaire, nor by a buyer.
        with self.assertRaises(AccessError):
            self.candidate.with_user(self.buyer).action_send_supplier_assessment()
        answer = self._send()
        self.assertEqual(answer.survey_id, self.survey)
        self.assertEqual(answer.partner_id, self.contact)
        self.assertEqual(answer.supplier_company_id, self.company)
        self.assertEqual(self.candidate.supplier_qualification_state, "evaluation")
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.contact.ids)], order="id desc", limit=1
        )
        self.assertIn(answer.access_token, mail.body_html)
        self.assertIn(
            "Fastener supplier assessment sent to", self.candidate.message_ids[0].body
        )
        self.other.supplier_category_ids = False
        with self.assertRaises(UserError):
            self.other.write({"supplier_assessment_contact_id": self.contact.id})
            self.other.action_send_supplier_assessment()

    def test_candidate_answers_as_portal_user_and_the_score_lands(self):
        answer = self._send()
        self.authenticate("se_candidate", "se_candidate")
        page = self.url_open("/my/qualification").text
        self.assertIn("Under evaluation", page)
        self.assertIn("missing: ISO 9001", page)
        self.assertIn(answer.access_token, page)
        # Start, begin and submit the one page, as the survey's own pages do.
        start = self.url_open(
            f"/survey/start/{self.survey.access_token}?answer_token={answer.access_token}"
        )
        self.assertEqual(start.status_code, 200)
        csrf = re.search(r'csrf_token[^>]*value="([a-f0-9]{40}o[0-9]*)', start.text)
        base = f"{self.survey.access_token}/{answer.access_token}"
        self.opener.post(f"{self.base_url()}/survey/begin/{base}", json={})
        choice = self.question.suggested_answer_ids.filtered(
            lambda a: a.answer_score == 10
        )
        response = self.opener.post(
            f"{self.base_url()}/survey/submit/{base}",
            json={
                "params": {
                    str(self.question.id): str(choice.id),
                    "csrf_token": csrf.group(1) if csrf else "",
                    "token": answer.access_token,
                    "button_submit": "finish",
                }
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("error", json.loads(response.text))
        answer.invalidate_recordset()
        self.assertEqual(answer.state, "done")
        self.candidate.invalidate_recordset()
        self.assertEqual(self.candidate.supplier_assessment_score, 100.0)
        self.assertEqual(self.candidate.supplier_assessment_input_id, answer)
        self.assertEqual(self.candidate.supplier_qualification_state, "answered")
        self.assertIn("score 100.0 %", self.candidate.message_ids[0].body)
        page = self.url_open("/my/qualification").text
        self.assertIn("Answered", page)
        self.assertNotIn(answer.access_token, page)

    def test_portal_shows_only_its_own_supplier(self):
        answer = self._send()
        self.authenticate("se_other_portal", "se_other_portal")
        page = self.url_open("/my/qualification").text
        self.assertIn("Other Co", page)
        self.assertNotIn("Candidate Fasteners", page)
        self.assertNotIn(answer.access_token, page)
        self.assertNotIn("Under evaluation", page)

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    def test_nobody_but_a_manager_qualifies_by_rpc(self):
        new_test_user(
            self.env,
            login="se_onboarding_buyer",
            password="se_onboarding_buyer",
            groups="purchase.group_purchase_user,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        attempts = (
            ("se_onboarding_buyer", {"supplier_qualification_state": "approved"}),
            ("se_onboarding_buyer", {"supplier_assessment_score": 100}),
            ("se_candidate", {"supplier_qualification_state": "approved"}),
            ("se_candidate", {"supplier_assessment_score": 100}),
        )
        for login, values in attempts:
            with self.subTest(login=login, values=values):
                self.authenticate(login, login)
                with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                    self._call("res.partner", "write", [self.candidate.ids, values])
                with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                    self._call(
                        "res.partner",
                        "action_send_supplier_assessment",
                        [self.candidate.ids],
                    )
        self.candidate.invalidate_recordset()
        self.assertFalse(self.candidate.supplier_qualification_state)
        self.assertFalse(self.candidate.supplier_assessment_score)

    def test_onboarding_tour_from_the_supplier_side(self):
        self._send()
        self.start_tour(
            "/my", "supplier_evaluation_onboarding_tour", login="se_candidate"
        )
        self.candidate.invalidate_recordset()
        self.assertEqual(self.candidate.supplier_qualification_state, "answered")
        self.assertEqual(self.candidate.supplier_assessment_score, 100.0)
