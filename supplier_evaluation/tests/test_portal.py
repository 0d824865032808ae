import json
import re

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"


@tagged("post_install", "-at_install")
class TestSupplierPortal(HttpCase):
    """Two suppliers, each with a portal user: every page, and every way to reach the other's data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.template = cls.env.ref("supplier_evaluation.supplier_evaluation_template_routine")
        cls.supplier_a, cls.supplier_b = cls.env["res.partner"].create([
            {"name": "Alpha Supplies", "is_company": True},
            {"name": "Beta Parts", "is_company": True},
        ])
        cls.user_a = cls._portal_user("supplier_a", cls.supplier_a)
        cls.user_b = cls._portal_user("supplier_b", cls.supplier_b)
        cls.card_a = cls._card(cls.supplier_a, "2026-03-01", published=True, total=25.0)
        cls.card_a_previous = cls._card(cls.supplier_a, "2026-02-01", published=True, total=40.0)
        cls.card_a_draft = cls._card(cls.supplier_a, "2026-04-01", published=False, total=90.0)
        cls.card_a_locked = cls._card(cls.supplier_a, "2026-01-01", published=False, total=55.0)
        cls.card_a_locked.state = "locked"
        cls.card_b = cls._card(cls.supplier_b, "2026-03-01", published=True, total=77.0)
        cls.action_a, cls.action_b = cls.env["supplier.corrective.action"].create([
            {"partner_id": partner.id, "request": "<p>Late deliveries</p>", "date_due": "2026-12-31"}
            for partner in (cls.supplier_a, cls.supplier_b)
        ])
        cls.evidence_b = cls.env["ir.attachment"].create({
            "name": "beta-secret.pdf", "raw": PDF, "res_model": "supplier.corrective.action",
            "res_id": cls.action_b.id,
        })
        cls.action_b.evidence_ids = cls.evidence_b
        iso = cls.env["supplier.certificate.type"].search([], limit=1)
        cls.certificate_a, cls.certificate_b = cls.env["supplier.certificate"].create([
            {"partner_id": partner.id, "certificate_type_id": iso.id, "number": number,
             "issue_date": "2025-01-01", "expiry_date": "2027-01-01"}
            for partner, number in ((cls.supplier_a, "A-9001"), (cls.supplier_b, "B-9001"))
        ])
        product = cls.env["product.product"].create({"name": "Crate", "type": "consu"})
        cls.order_a, cls.order_b = cls.env["purchase.order"].create([{
            "partner_id": partner.id,
            "order_line": [Command.create({"product_id": product.id, "product_qty": 3, "price_unit": 5})],
        } for partner in (cls.supplier_a, cls.supplier_b)])
        (cls.order_a | cls.order_b)._confirm_despite_supplier_control(False)  # grade C: the warning accepted

    @classmethod
    def _portal_user(cls, login, company_partner):
        contact = cls.env["res.partner"].create({"name": f"{login} contact", "parent_id": company_partner.id,
                                                 "email": f"{login}@example.com"})
        return new_test_user(cls.env, login=login, groups="base.group_portal", partner_id=contact.id)

    @classmethod
    def _card(cls, partner, date_from, published, total):
        card = cls.env["supplier.scorecard"].create({
            "partner_id": partner.id, "company_id": cls.company.id, "period_type": "month",
            "date_from": date_from, "date_to": date_from[:8] + "28", "template_id": cls.template.id,
            "kraljic_class": "routine", "has_data": True, "total_score": total, "grade": "C",
            "on_time_rate": 80.0, "score_on_time": 100 * 10 / 28, "line_count": 2,
        })
        if published:
            card.write({"state": "published"})  # publishing also shows it in the portal
        return card

    # ------------------------------------------------------------------ helpers
    def _get(self, url):
        response = self.url_open(url)
        return response, response.text

    def _post(self, url, page, data, files=None):
        token = re.search(r'name="csrf_token" value="([^"]+)"', self.url_open(page).text).group(1)
        return self.url_open(url, data={**data, "csrf_token": token}, files=files)

    def _rpc(self, model, method, *args, **kwargs):
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1,
                   "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs}}
        response = self.url_open("/web/dataset/call_kw", data=json.dumps(payload),
                                 headers={"Content-Type": "application/json"})
        return response.json()

    def assertRedirectedHome(self, url):
        response = self.url_open(url)
        self.assertTrue(response.url.rstrip("/").endswith("/my") or response.url.endswith("/web/login"),
                        f"{url} should send the supplier back, got {response.url}")
        return response

    # ------------------------------------------------------------------ own pages
    def test_every_page_of_the_supplier(self):
        self.authenticate("supplier_a", "supplier_a")
        response, html = self._get("/my/home")
        self.assertEqual(response.status_code, 200)
        for entry in ("/my/scorecards", "/my/corrective_actions", "/my/certificates"):
            self.assertIn(f'href="{entry}"', html)
        counters = self.url_open("/my/counters", data=json.dumps({"params": {"counters": [
            "supplier_scorecard_count", "supplier_corrective_action_count", "supplier_certificate_count"]}}),
            headers={"Content-Type": "application/json"}).json()["result"]
        self.assertEqual(counters, {"supplier_scorecard_count": 2, "supplier_corrective_action_count": 1,
                                    "supplier_certificate_count": 1})
        _response, html = self._get("/my/scorecards")
        self.assertIn(self.card_a.display_name, html)
        self.assertIn(self.card_a_previous.display_name, html)
        self.assertLess(html.index(self.card_a.display_name), html.index(self.card_a_previous.display_name),
                        "newest first")
        _response, html = self._get(f"/my/scorecards/{self.card_a.id}")
        self.assertIn("25.0", html)
        self.assertIn("On-time delivery", html)
        self.assertIn("<svg", html, "trend chart of the published periods")
        _response, html = self._get(f"/my/corrective_actions/{self.action_a.id}")
        self.assertIn("Late deliveries", html)
        self.assertIn("Answer this request", html)
        _response, html = self._get("/my/certificates")
        self.assertIn("A-9001", html)
        self.assertNotIn("B-9001", html)
        _response, html = self._get(f"/my/purchase/{self.order_a.id}")
        self.assertIn("Quality reports and progress photos", html)

    def test_draft_and_unpublished_scorecards_stay_hidden(self):
        self.authenticate("supplier_a", "supplier_a")
        _response, html = self._get("/my/scorecards")
        self.assertNotIn(self.card_a_draft.display_name, html)
        self.assertNotIn(self.card_a_locked.display_name, html)
        self.assertRedirectedHome(f"/my/scorecards/{self.card_a_draft.id}")
        self.assertRedirectedHome(f"/my/scorecards/{self.card_a_locked.id}")
        result = self._rpc("supplier.scorecard", "search_read", [], ["id"])["result"]
        self.assertEqual({row["id"] for row in result}, {self.card_a.id, self.card_a_previous.id})

    # ------------------------------------------------------------------ the other supplier
    def test_other_supplier_unreachable_by_url(self):
        self.authenticate("supplier_a", "supplier_a")
        for url in (f"/my/scorecards/{self.card_b.id}", f"/my/corrective_actions/{self.action_b.id}",
                    f"/my/purchase/{self.order_b.id}", f"/my/scorecards/{self.card_b.id}?report_type=pdf",
                    f"/my/scorecards/{self.card_b.id}?access_token=guess"):
            self.assertRedirectedHome(url)
        # Posting to the other's records changes nothing.
        self._post(f"/my/corrective_actions/{self.action_b.id}/answer", f"/my/corrective_actions/{self.action_a.id}",
                   {"root_cause": "x", "action_plan": "y"})
        self._post(f"/my/certificates/{self.certificate_b.id}/renew", "/my/certificates",
                   {"issue_date": "2026-01-01", "expiry_date": "2029-01-01"}, files={"document": ("c.pdf", PDF)})
        self._post(f"/my/purchase/{self.order_b.id}/documents", f"/my/purchase/{self.order_a.id}",
                   {"kind": "qc_report"}, files={"document": ("qc.pdf", PDF)})
        self.assertEqual(self.action_b.state, "requested")
        self.assertFalse(self.certificate_b.renewal_state)
        self.assertFalse(self.order_b.supplier_qc_report_ids)

    def test_other_supplier_unreachable_by_rpc(self):
        self.authenticate("supplier_a", "supplier_a")
        for model, record in (("supplier.scorecard", self.card_b), ("supplier.corrective.action", self.action_b),
                              ("supplier.certificate", self.certificate_b), ("purchase.order", self.order_b)):
            answer = self._rpc(model, "read", [record.id], ["display_name"])
            self.assertIn("error", answer, f"{model} of the other supplier must not be readable")
            self.assertFalse(self._rpc(model, "search", [("id", "=", record.id)])["result"])
        # Nothing is written outside the controllers, not even on the supplier's own records.
        for model, record, values in (
            ("supplier.scorecard", self.card_a, {"total_score": 100}),
            ("supplier.corrective.action", self.action_a, {"state": "accepted"}),
            ("supplier.certificate", self.certificate_a, {"expiry_date": "2099-01-01"}),
        ):
            self.assertIn("error", self._rpc(model, "write", [record.id], values))
        self.assertIn("error", self._rpc("supplier.corrective.action", "action_accept", [self.action_a.id]))
        self.assertIn("error", self._rpc("supplier.corrective.action", "_submit_answer", [self.action_a.id], "a", "b"))
        self.assertEqual(self.action_a.state, "requested")

    def test_other_supplier_files_and_reports_unreachable(self):
        self.authenticate("supplier_a", "supplier_a")
        response = self.url_open(f"/web/content/{self.evidence_b.id}?download=true")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"%PDF", response.content)
        response = self.url_open(f"/report/pdf/supplier_evaluation.report_supplier_scorecard/{self.card_b.id}")
        self.assertNotIn(b"%PDF", response.content)

    # ------------------------------------------------------------------ uploads
    def _answer(self, files):
        page = f"/my/corrective_actions/{self.action_a.id}"
        return self._post(f"{page}/answer", page, {"root_cause": "Cause", "action_plan": "Plan"}, files=files)

    def test_oversized_wrong_and_disguised_uploads_are_refused(self):
        self.authenticate("supplier_a", "supplier_a")
        attachments_before = self.env["ir.attachment"].search_count([("res_model", "=", "supplier.corrective.action")])
        self.company.supplier_portal_max_upload_mb = 0.00001  # about 10 bytes
        response = self._answer({"evidence": ("big.pdf", PDF)})
        self.assertIn("larger than", response.text)
        self.company.supplier_portal_max_upload_mb = 10
        response = self._answer({"evidence": ("tool.exe", EXE)})
        self.assertIn("is not an accepted file", response.text)
        response = self._answer({"evidence": ("invoice.pdf", EXE)})
        self.assertIn("is not an accepted file", response.text)
        response = self._post(f"/my/purchase/{self.order_a.id}/documents", f"/my/purchase/{self.order_a.id}",
                              {"kind": "progress_photo"}, files={"document": ("photo.png", PDF)})
        self.assertIn("is not an accepted file", response.text)
        # Nothing was half-saved.
        self.action_a.invalidate_recordset()
        self.assertEqual(self.action_a.state, "requested")
        self.assertFalse(self.action_a.root_cause)
        self.assertEqual(self.env["ir.attachment"].search_count([("res_model", "=", "supplier.corrective.action")]),
                         attachments_before)
        self.assertFalse(self.order_a.supplier_progress_photo_ids)
        # A good file goes through.
        response = self._answer({"evidence": ("report.pdf", PDF)})
        self.assertIn("your answer was sent", response.text)
        self.action_a.invalidate_recordset()
        self.assertEqual(self.action_a.state, "answered")
        self.assertEqual(self.action_a.evidence_ids.mapped("name"), ["report.pdf"])

    def test_certificate_renewal_waits_for_the_buyer(self):
        self.authenticate("supplier_a", "supplier_a")
        self._post(f"/my/certificates/{self.certificate_a.id}/renew", "/my/certificates",
                   {"issue_date": "2026-11-01", "expiry_date": "2029-11-01", "number": "A-9001-2"},
                   files={"document": ("renewal.pdf", PDF)})
        self.certificate_a.invalidate_recordset()
        self.assertEqual(self.certificate_a.renewal_state, "pending")
        self.assertEqual(str(self.certificate_a.expiry_date), "2027-01-01", "the current one stays until approved")
        self.certificate_a.action_approve_renewal()
        self.assertEqual(str(self.certificate_a.expiry_date), "2029-11-01")
        self.assertEqual(self.certificate_a.number, "A-9001-2")

    def test_order_documents_reach_the_buyer_grouped_by_kind(self):
        self.authenticate("supplier_a", "supplier_a")
        page = f"/my/purchase/{self.order_a.id}"
        self._post(f"{page}/documents", page, {"kind": "qc_report", "note": "Batch 12"},
                   files={"document": ("qc.pdf", PDF)})
        self._post(f"{page}/documents", page, {"kind": "progress_photo"},
                   files={"document": ("line.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)})
        self.order_a.invalidate_recordset()
        self.assertEqual(self.order_a.supplier_qc_report_ids.name, "qc.pdf")
        self.assertEqual(self.order_a.supplier_qc_report_ids.note, "Batch 12")
        self.assertEqual(self.order_a.supplier_progress_photo_ids.name, "line.png")
        self.assertIn("Quality-control report uploaded", "".join(self.order_a.message_ids.mapped("body")))

    # ------------------------------------------------------------------ in a browser
    def test_portal_tour(self):
        self.start_tour("/my", "supplier_evaluation_portal_tour", login="supplier_a")
        self.action_a.invalidate_recordset()
        self.assertEqual(self.action_a.state, "answered")
        self.assertEqual(self.action_a.evidence_ids.name, "maintenance-report.pdf")
        self.order_a.invalidate_recordset()
        self.assertEqual(self.order_a.supplier_progress_photo_ids.name, "progress.png")
