import io
import json
import re
import zipfile
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import portal_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run in DOS mode"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def odt_bomb(inflated_size):
    """An .odt of a few KiB whose ``mimetype`` member inflates to ``inflated_size``
    bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype",
            b"application/vnd.oasis.opendocument.text" + b" " * inflated_size,
        )
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestSupplierPortal(HttpCase):
    """Two suppliers, each with a portal user: every page, and every way to reach the
    other's data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.template = cls.env.ref(
            "supplier_evaluation.supplier_evaluation_template_routine"
        )
        cls.supplier_a, cls.supplier_b = cls.env["res.partner"].create(
            [
                {"name": "Alpha Supplies", "is_company": True},
                {"name": "Beta Parts", "is_company": True},
            ]
        )
        cls.user_a = cls._portal_user("supplier_a", cls.supplier_a)
        cls.user_b = cls._portal_user("supplier_b", cls.supplier_b)
        cls.buyer = new_test_user(
            cls.env,
            login="portal_buyer",
            groups="purchase.group_purchase_user",
            email="buyer@example.com",
        )
        cls.card_a = cls._card(cls.supplier_a, "2026-03-01", published=True, total=25.0)
        cls.card_a_previous = cls._card(
            cls.supplier_a, "2026-02-01", published=True, total=40.0
        )
        cls.card_a_draft = cls._card(
            cls.supplier_a, "2026-04-01", published=False, total=90.0
        )
        cls.card_a_locked = cls._card(
            cls.supplier_a, "2026-01-01", published=False, total=55.0
        )
        cls.card_a_locked.state = "locked"
        cls.card_b = cls._card(cls.supplier_b, "2026-03-01", published=True, total=77.0)
        cls.action_a, cls.action_b = cls.env["supplier.corrective.action"].create(
            [
                {
                    "partner_id": partner.id,
                    "request": "<p>Late deliveries</p>",
                    "date_due": "2026-12-31",
                }
                for partner in (cls.supplier_a, cls.supplier_b)
            ]
        )
        cls.evidence_b = cls.env["ir.attachment"].create(
            {
                "name": "beta-secret.pdf",
                "raw": PDF,
                "res_model": "supplier.corrective.action",
                "res_id": cls.action_b.id,
            }
        )
        cls.action_b.evidence_ids = cls.evidence_b
        iso = cls.env["supplier.certificate.type"].search([], limit=1)
        cls.certificate_a, cls.certificate_b = cls.env["supplier.certificate"].create(
            [
                {
                    "partner_id": partner.id,
                    "certificate_type_id": iso.id,
                    "number": number,
                    "issue_date": "2025-01-01",
                    "expiry_date": "2027-01-01",
                }
                for partner, number in (
                    (cls.supplier_a, "A-9001"),
                    (cls.supplier_b, "B-9001"),
                )
            ]
        )
        product = cls.env["product.product"].create({"name": "Crate", "type": "consu"})
        cls.order_a, cls.order_b = cls.env["purchase.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_qty": 3,
                                "price_unit": 5,
                            }
                        )
                    ],
                }
                for partner in (cls.supplier_a, cls.supplier_b)
            ]
        )
        (cls.order_a | cls.order_b)._confirm_despite_supplier_control(
            False
        )  # grade C: the warning accepted

    @classmethod
    def _portal_user(cls, login, company_partner):
        return portal_user(cls.env, login, company_partner, f"{login}@example.com")

    @classmethod
    def _card(cls, partner, date_from, published, total):
        card = cls.env["supplier.scorecard"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "period_type": "month",
                "date_from": date_from,
                "date_to": date_from[:8] + "28",
                "template_id": cls.template.id,
                "kraljic_class": "routine",
                "has_data": True,
                "total_score": total,
                "grade": "C",
                "on_time_rate": 80.0,
                "score_on_time": 100 * 10 / 28,
                "line_count": 2,
            }
        )
        if published:
            card.write({"state": "published"})  # publishing also shows it in the portal
        return card

    # ------------------------------------------------------------------ helpers
    def _get(self, url):
        response = self.url_open(url)
        return response, response.text

    def _post(self, url, page, data, files=None):
        token = re.search(
            r'name="csrf_token" value="([^"]+)"', self.url_open(page).text
        ).group(1)
        return self.url_open(url, data={**data, "csrf_token": token}, files=files)

    def _rpc(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": list(args),
                "kwargs": kwargs,
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

    def assertRedirectedHome(self, url):
        response = self.url_open(url)
        self.assertTrue(
            response.url.rstrip("/").endswith("/my")
            or response.url.endswith("/web/login"),
            f"{url} should send the supplier back, got {response.url}",
        )
        return response

    # ------------------------------------------------------------------ own pages
    def test_every_page_of_the_supplier(self):
        self.authenticate("supplier_a", "supplier_a")
        response, html = self._get("/my/home")
        self.assertEqual(response.status_code, 200)
        for entry in ("/my/scorecards", "/my/corrective_actions", "/my/certificates"):
            self.assertIn(f'href="{entry}"', html)
        counters = self.url_open(
            "/my/counters",
            data=json.dumps(
                {
                    "params": {
                        "counters": [
                            "supplier_scorecard_count",
                            "supplier_corrective_action_count",
                            "supplier_certificate_count",
                        ]
                    }
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()["result"]
        self.assertEqual(
            counters,
            {
                "supplier_scorecard_count": 2,
                "supplier_corrective_action_count": 1,
                "supplier_certificate_count": 1,
            },
        )
        _response, html = self._get("/my/scorecards")
        self.assertIn("03/01/2026", html)
        self.assertIn("02/01/2026", html)
        self.assertLess(
            html.index("03/01/2026"), html.index("02/01/2026"), "newest first"
        )
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

    def test_pages_fit_a_phone(self):
        self.authenticate("supplier_a", "supplier_a")
        _response, html = self._get("/my/home")
        self.assertNotIn(
            "static/description/icon.png",
            html,
            "the 256 px module icon is not a portal card icon",
        )
        # Each row starts with its own period, not the supplier's name repeated on every
        # row.
        _response, html = self._get("/my/scorecards")
        rows = re.findall(r'<a [^>]*class="o_scorecard_period"[^>]*>([^<]*)</a>', html)
        self.assertEqual(
            [" ".join(row.split()) for row in rows],
            ["03/01/2026 – 03/28/2026", "02/01/2026 – 02/28/2026"],
        )
        self.assertNotIn("Alpha Supplies ·", html.split("<tbody>", 1)[1])
        # Portal tables cut cells at 10rem on one line ("03/01/2026 – 03/2…"): the
        # period cell is not cut, it wraps at the dash on a phone.
        cells = re.findall(r'<td [^>]*class="o_scorecard_period_cell"[^>]*>', html)
        self.assertEqual(len(cells), 2)
        for cell in cells:
            self.assertIn("max-width: none", cell)
            self.assertIn("white-space: normal", cell)
        # The trend chart scales down to the screen instead of a fixed 480 px.
        _response, html = self._get(f"/my/scorecards/{self.card_a.id}")
        heads = re.findall(r"<svg[^>]*>", html)
        self.assertTrue(heads)
        for head in heads:
            self.assertIn('viewBox="0 0 480 90"', head)
            self.assertIn('width="100%"', head)
            self.assertNotIn('width="480"', head)
        # The upload form keeps its distance from the communication history below it.
        _response, html = self._get(f"/my/purchase/{self.order_a.id}")
        block = (
            re.search(r'<div id="supplier_documents" class="([^"]*)"', html)
            .group(1)
            .split()
        )
        self.assertTrue({"mb-4", "mb-5"} & set(block))

    def test_draft_and_unpublished_scorecards_stay_hidden(self):
        self.authenticate("supplier_a", "supplier_a")
        _response, html = self._get("/my/scorecards")
        self.assertNotIn(self.card_a_draft.display_name, html)
        self.assertNotIn(self.card_a_locked.display_name, html)
        self.assertRedirectedHome(f"/my/scorecards/{self.card_a_draft.id}")
        self.assertRedirectedHome(f"/my/scorecards/{self.card_a_locked.id}")
        result = self._rpc("supplier.scorecard", "search_read", [], ["id"])["result"]
        self.assertEqual(
            {row["id"] for row in result}, {self.card_a.id, self.card_a_previous.id}
        )

    # -------------------------------------------------------------- the other supplier
    def test_other_supplier_unreachable_by_url(self):
        self.authenticate("supplier_a", "supplier_a")
        for url in (
            f"/my/scorecards/{self.card_b.id}",
            f"/my/corrective_actions/{self.action_b.id}",
            f"/my/purchase/{self.order_b.id}",
            f"/my/scorecards/{self.card_b.id}?report_type=pdf",
            f"/my/scorecards/{self.card_b.id}?access_token=guess",
        ):
            self.assertRedirectedHome(url)
        # Posting to the other's records is sent back home and changes nothing.
        for response in (
            self._post(
                f"/my/corrective_actions/{self.action_b.id}/answer",
                f"/my/corrective_actions/{self.action_a.id}",
                {"root_cause": "x", "action_plan": "y"},
            ),
            self._post(
                f"/my/certificates/{self.certificate_b.id}/renew",
                "/my/certificates",
                {"issue_date": "2026-01-01", "expiry_date": "2029-01-01"},
                files={"document": ("c.pdf", PDF)},
            ),
            self._post(
                f"/my/purchase/{self.order_b.id}/documents",
                f"/my/purchase/{self.order_a.id}",
                {"kind": "qc_report"},
                files={"document": ("qc.pdf", PDF)},
            ),
        ):
            self.assertEqual(response.status_code, 200)
            self.assertTrue(response.url.rstrip("/").endswith("/my"), response.url)
            self.assertNotIn("Beta Parts", response.text)
        for record in (self.action_b, self.certificate_b, self.order_b):
            record.invalidate_recordset()
        self.assertEqual(self.action_b.state, "requested")
        self.assertFalse(self.action_b.root_cause)
        self.assertFalse(self.certificate_b.renewal_state)
        self.assertFalse(self.order_b.supplier_qc_report_ids)
        self.assertFalse(
            self.env["supplier.order.document"].search(
                [("order_id", "=", self.order_b.id)]
            )
        )

    def test_other_supplier_unreachable_by_rpc(self):
        self.authenticate("supplier_a", "supplier_a")
        for model, record in (
            ("supplier.scorecard", self.card_b),
            ("supplier.corrective.action", self.action_b),
            ("supplier.certificate", self.certificate_b),
            ("purchase.order", self.order_b),
        ):
            answer = self._rpc(model, "read", [record.id], ["display_name"])
            self.assertIn(
                "error", answer, f"{model} of the other supplier must not be readable"
            )
            self.assertFalse(
                self._rpc(model, "search", [("id", "=", record.id)])["result"]
            )
        # Nothing is written outside the controllers, not even on the supplier's own
        # records.
        for model, record, values in (
            ("supplier.scorecard", self.card_a, {"total_score": 100}),
            ("supplier.corrective.action", self.action_a, {"state": "accepted"}),
            ("supplier.certificate", self.certificate_a, {"expiry_date": "2099-01-01"}),
        ):
            self.assertIn("error", self._rpc(model, "write", [record.id], values))
        self.assertIn(
            "error",
            self._rpc(
                "supplier.corrective.action", "action_accept", [self.action_a.id]
            ),
        )
        self.assertIn(
            "error",
            self._rpc(
                "supplier.corrective.action",
                "_submit_answer",
                [self.action_a.id],
                "a",
                "b",
            ),
        )
        self.assertEqual(self.action_a.state, "requested")

    def test_other_supplier_files_and_reports_unreachable(self):
        self.authenticate("supplier_a", "supplier_a")
        response = self.url_open(f"/web/content/{self.evidence_b.id}?download=true")
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(b"%PDF", response.content)
        # Tests render reports as HTML, not PDF: what proves a refusal is the status and
        # that nothing of B's card is in the answer. Odoo's /report route is closed to
        # portal users (they cannot read ir.actions.report), for their own cards too;
        # they use the portal's.
        report = "/report/pdf/supplier_evaluation.report_supplier_scorecard"
        for ids in (
            f"{self.card_b.id}",
            f"{self.card_a.id}",
            f"{self.card_a.id},{self.card_b.id}",
        ):
            response = self.url_open(f"{report}/{ids}")
            self.assertEqual(response.status_code, 403, ids)
            self.assertNotIn("Beta Parts", response.text)
            self.assertNotIn("77.0", response.text)
        for url in (
            f"/my/scorecards/{self.card_b.id}?report_type=pdf&download=true",
            f"/my/scorecards/{self.card_b.id}?report_type=html",
        ):
            response = self.assertRedirectedHome(url)
            self.assertNotIn("Beta Parts", response.text)
            self.assertNotIn("77.0", response.text)

    def test_supplier_downloads_its_own_scorecard(self):
        self.authenticate("supplier_a", "supplier_a")
        response = self.url_open(
            self.card_a.get_portal_url(report_type="pdf", download=True)
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertIn(
            "Scorecard_Alpha_Supplies_2026_03_01.pdf",
            response.headers["Content-Disposition"],
        )
        self.assertIn("Alpha Supplies", response.text)
        self.assertIn("25.0", response.text)
        self.assertNotIn("Beta Parts", response.text)
        # The other's card through the same route: sent home.
        response = self.assertRedirectedHome(
            f"/my/scorecards/{self.card_b.id}?report_type=pdf&download=true"
        )
        self.assertNotIn("Beta Parts", response.text)

    # ------------------------------------------------------------------ uploads
    def _answer(self, files):
        page = f"/my/corrective_actions/{self.action_a.id}"
        return self._post(
            f"{page}/answer",
            page,
            {"root_cause": "Cause", "action_plan": "Plan"},
            files=files,
        )

    def test_oversized_wrong_and_disguised_uploads_are_refused(self):
        self.authenticate("supplier_a", "supplier_a")
        attachments_before = self.env["ir.attachment"].search_count(
            [("res_model", "=", "supplier.corrective.action")]
        )
        self.company.supplier_portal_max_upload_mb = 0.00001  # about 10 bytes
        response = self._answer({"evidence": ("big.pdf", PDF)})
        self.assertIn("larger than", response.text)
        self.company.supplier_portal_max_upload_mb = 10
        response = self._answer({"evidence": ("tool.exe", EXE)})
        self.assertIn(
            "This kind of file is not accepted here. Accepted: GIF image", response.text
        )
        response = self._answer({"evidence": ("invoice.pdf", EXE)})
        self.assertIn("This kind of file is not accepted here.", response.text)
        response = self._post(
            f"/my/purchase/{self.order_a.id}/documents",
            f"/my/purchase/{self.order_a.id}",
            {"kind": "progress_photo"},
            files={"document": ("photo.png", PDF)},
        )
        self.assertIn(
            "This kind of file is not accepted here. Accepted: GIF image, JPEG image, "
            "PNG image, WebP image.",
            response.text,
        )
        # Nothing was half-saved.
        self.action_a.invalidate_recordset()
        self.assertEqual(self.action_a.state, "requested")
        self.assertFalse(self.action_a.root_cause)
        self.assertEqual(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "supplier.corrective.action")]
            ),
            attachments_before,
        )
        self.assertFalse(self.order_a.supplier_progress_photo_ids)
        # A good file goes through.
        response = self._answer({"evidence": ("report.pdf", PDF)})
        self.assertIn("your answer was sent", response.text)
        self.action_a.invalidate_recordset()
        self.assertEqual(self.action_a.state, "answered")
        self.assertEqual(self.action_a.evidence_ids.mapped("name"), ["report.pdf"])

    def test_certificate_renewal_waits_for_the_buyer(self):
        self.authenticate("supplier_a", "supplier_a")
        self._post(
            f"/my/certificates/{self.certificate_a.id}/renew",
            "/my/certificates",
            {
                "issue_date": "2026-11-01",
                "expiry_date": "2029-11-01",
                "number": "A-9001-2",
            },
            files={"document": ("renewal.pdf", PDF)},
        )
        self.certificate_a.invalidate_recordset()
        self.assertEqual(self.certificate_a.renewal_state, "pending")
        self.assertEqual(
            str(self.certificate_a.expiry_date),
            "2027-01-01",
            "the current one stays until approved",
        )
        self.certificate_a.action_approve_renewal()
        self.assertEqual(str(self.certificate_a.expiry_date), "2029-11-01")
        self.assertEqual(self.certificate_a.number, "A-9001-2")

    def test_supplier_adds_a_certificate_that_waits_for_the_buyer(self):
        self.supplier_a.buyer_id = self.buyer
        self.authenticate("supplier_a", "supplier_a")
        iso = self.env["supplier.certificate.type"].search([], limit=1)
        html = self.url_open("/my/certificates").text
        self.assertIn('action="/my/certificates/new"', html)
        self.assertIn(f'value="{iso.id}"', html)
        Certificate = self.env["supplier.certificate"]
        before = Certificate.search([])
        # A disguised program and bad dates are refused, nothing is created.
        response = self._post(
            "/my/certificates/new",
            "/my/certificates",
            {
                "certificate_type_id": iso.id,
                "issue_date": "2026-11-01",
                "expiry_date": "2029-11-01",
            },
            files={"document": ("iso.pdf", EXE)},
        )
        self.assertIn("This kind of file is not accepted here.", response.text)
        response = self._post(
            "/my/certificates/new",
            "/my/certificates",
            {
                "certificate_type_id": iso.id,
                "issue_date": "2026-11-01",
                "expiry_date": "2026-10-01",
            },
            files={"document": ("iso.pdf", PDF)},
        )
        self.assertIn("Enter valid dates", response.text)
        self.assertEqual(Certificate.search([]), before)
        # A good one is kept on the supplier's own company, whatever partner the form
        # claims.
        response = self._post(
            "/my/certificates/new",
            "/my/certificates",
            {
                "certificate_type_id": iso.id,
                "issue_date": "2026-11-01",
                "expiry_date": "2029-11-01",
                "number": "A-14001",
                "partner_id": self.supplier_b.id,
            },
            files={"document": ("iso14001.pdf", PDF)},
        )
        self.assertIn("the buyer will review the new certificate", response.text)
        self.assertIn("waiting for the buyer", response.text)
        new = Certificate.search([]) - before
        self.assertEqual(len(new), 1)
        self.assertEqual(new.partner_id, self.supplier_a)
        self.assertEqual(
            (new.number, new.renewal_state, new.document_name),
            ("A-14001", "new", "iso14001.pdf"),
        )
        self.assertEqual(str(new.expiry_date), "2029-11-01")
        self.assertEqual(new.activity_ids.user_id, self.buyer)
        # It cannot be "renewed" into a valid one behind the buyer's back.
        self._post(
            f"/my/certificates/{new.id}/renew",
            "/my/certificates",
            {"issue_date": "2026-11-01", "expiry_date": "2030-11-01"},
            files={"document": ("r.pdf", PDF)},
        )
        new.invalidate_recordset()
        self.assertEqual(new.renewal_state, "new")
        # The buyer approves it.
        new.with_user(self.buyer).action_approve_renewal()
        self.assertFalse(new.renewal_state)
        self.assertFalse(new.activity_ids)
        self.assertEqual(new.state, "valid")

    def test_refused_new_certificate_is_kept_but_never_counts(self):
        self.authenticate("supplier_a", "supplier_a")
        iso = self.env["supplier.certificate.type"].search([], limit=1)
        self._post(
            "/my/certificates/new",
            "/my/certificates",
            {
                "certificate_type_id": iso.id,
                "issue_date": "2026-01-01",
                "expiry_date": "2026-12-15",
            },
            files={"document": ("soon.pdf", PDF)},
        )
        new = self.env["supplier.certificate"].search(
            [("document_name", "=", "soon.pdf")]
        )
        new.with_user(self.buyer).action_reject_renewal()
        self.assertEqual(new.renewal_state, "refused")
        self.assertTrue(new.document)
        self.assertIn("not accepted", self.url_open("/my/certificates").text)

    def test_order_documents_reach_the_buyer_grouped_by_kind(self):
        self.authenticate("supplier_a", "supplier_a")
        page = f"/my/purchase/{self.order_a.id}"
        self._post(
            f"{page}/documents",
            page,
            {"kind": "qc_report", "note": "Batch 12"},
            files={"document": ("qc.pdf", PDF)},
        )
        self._post(
            f"{page}/documents",
            page,
            {"kind": "progress_photo"},
            files={"document": ("line.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20)},
        )
        self.order_a.invalidate_recordset()
        self.assertEqual(self.order_a.supplier_qc_report_ids.name, "qc.pdf")
        self.assertEqual(self.order_a.supplier_qc_report_ids.note, "Batch 12")
        self.assertEqual(self.order_a.supplier_progress_photo_ids.name, "line.png")
        self.assertIn(
            "Quality-control report uploaded",
            "".join(self.order_a.message_ids.mapped("body")),
        )

    # ------------------------------------------------------------------ downloads
    def test_every_download_link_works_for_the_supplier(self):
        self.authenticate("supplier_a", "supplier_a")
        self._answer({"evidence": ("evidence.pdf", PDF)})
        page = f"/my/purchase/{self.order_a.id}"
        self._post(
            f"{page}/documents",
            page,
            {"kind": "qc_report"},
            files={"document": ("qc.pdf", PDF)},
        )
        links = {}
        for url in (
            f"/my/scorecards/{self.card_a.id}",
            f"/my/corrective_actions/{self.action_a.id}",
            page,
        ):
            html = self.url_open(url).text
            for href in re.findall(
                r'href="([^"]*(?:download|report_type)[^"]*)"', html
            ):
                links[href.replace("&amp;", "&")] = url
        # The scorecard's PDF, the evidence, the QC report, and Odoo's own order PDF.
        self.assertEqual(len(links), 4, links)
        for href, url in links.items():
            response = self.url_open(href)
            self.assertEqual(response.status_code, 200, f"{href} (on {url})")
            if "download=true" in href:
                self.assertIn(
                    "attachment", response.headers.get("Content-Disposition", ""), href
                )
            if href.startswith("/my/scorecards/"):
                self.assertIn(
                    "Alpha Supplies", response.text
                )  # reports are rendered as HTML in tests
            elif href.startswith("/web/content/"):
                self.assertEqual(response.content, PDF, href)

    # ------------------------------------------------------------------ mail
    def _mail_post_route(self, thread, body, partner_ids=(), attachments=None):
        post_data = {
            "body": body,
            "message_type": "comment",
            "subtype_xmlid": "mail.mt_comment",
            "partner_ids": list(partner_ids),
        }
        params = {
            "thread_model": thread._name,
            "thread_id": thread.id,
            "post_data": post_data,
        }
        if attachments:
            post_data["attachment_ids"] = attachments.ids
            params["attachment_tokens"] = attachments.sudo().mapped("access_token")
        return self.url_open(
            "/mail/message/post",
            data=json.dumps({"params": params}),
            headers={"Content-Type": "application/json"},
        ).json()

    def test_supplier_cannot_send_mail_by_rpc(self):
        self.authenticate("supplier_a", "supplier_a")
        other_vendor = self.user_b.partner_id
        before = self.env["mail.message"].search_count(
            [("model", "=", "supplier.scorecard")]
        )
        answer = self._rpc(
            "supplier.scorecard",
            "message_post",
            [self.card_a.id],
            body="Pay to IBAN XX",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=[other_vendor.id],
            email_from="admin@yourcompany.example.com",
        )
        self.assertIn("error", answer)
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        answer = self._rpc(
            "supplier.scorecard",
            "message_notify",
            [self.card_a.id],
            body="Pay to IBAN XX",
            partner_ids=[other_vendor.id],
            email_from="admin@yourcompany.example.com",
        )
        self.assertIn("error", answer)
        self.assertEqual(
            self.env["mail.message"].search_count(
                [("model", "=", "supplier.scorecard")]
            ),
            before,
        )
        self.assertFalse(
            self.env["mail.mail"].search([("recipient_ids", "in", other_vendor.ids)])
        )
        self.assertFalse(self.env["mail.message"].search([("body", "ilike", "IBAN")]))

    def test_supplier_posts_through_the_portal_chatter_to_followers_only(self):
        self.card_a.message_subscribe(partner_ids=self.buyer.partner_id.ids)
        self.authenticate("supplier_a", "supplier_a")
        answer = self._mail_post_route(
            self.card_a,
            "Our March deliveries were late because of the strike",
            partner_ids=[self.user_b.partner_id.id, self.buyer.partner_id.id],
        )
        self.assertNotIn("error", answer)
        message = self.env["mail.message"].search(
            [
                ("model", "=", "supplier.scorecard"),
                ("res_id", "=", self.card_a.id),
                ("body", "ilike", "strike"),
            ]
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.user_a.partner_id)
        self.assertEqual(message.email_from, self.user_a.partner_id.email_formatted)
        self.assertEqual(
            message.partner_ids,
            self.buyer.partner_id,
            "only followers are kept as recipients",
        )
        # The other supplier's card stays closed to it.
        answer = self._mail_post_route(self.card_b, "Hello Beta")
        self.assertIn("error", answer)
        self.assertFalse(
            self.env["mail.message"].search([("body", "ilike", "Hello Beta")])
        )

    def test_buyer_with_read_access_still_sends(self):
        message = self.card_a.with_user(self.buyer).message_post(
            body="Your March scorecard",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.supplier_a.ids,
        )
        self.assertEqual(message.author_id, self.buyer.partner_id)
        self.assertEqual(message.partner_ids, self.supplier_a)
        with self.assertRaises(AccessError):
            self.card_a.with_user(self.user_a).message_post(
                body="forged", partner_ids=self.supplier_b.ids
            )

    # ------------------------------------------------------------------ chatter uploads
    def _chatter_upload(self, thread, filename, data, pending=False, **extra):
        token = re.search(
            r'csrf_token: "([^"]+)"', self.url_open("/my/scorecards").text
        ).group(1)
        fields = {
            "thread_id": thread.id,
            "thread_model": thread._name,
            "csrf_token": token,
            **extra,
        }
        if pending:
            fields["is_pending"] = "true"
        return self.url_open(
            "/mail/attachment/upload", data=fields, files={"ufile": (filename, data)}
        )

    def _attachments_on(self, records):
        return self.env["ir.attachment"].search(
            [("res_model", "=", records._name), ("res_id", "in", records.ids)]
        )

    def test_chatter_uploads_follow_the_upload_policy(self):
        self.authenticate("supplier_a", "supplier_a")
        before = self._attachments_on(self.card_a)
        for filename, data in (
            ("tool.exe", EXE),
            ("invoice.pdf", EXE),
            ("macro.doc", OLE),
            ("bomb.odt", odt_bomb(16 * 1024 * 1024)),
        ):
            response = self._chatter_upload(self.card_a, filename, data)
            self.assertNotEqual(response.status_code, 200, filename)
            self.assertEqual(
                self._attachments_on(self.card_a), before, f"{filename} was stored"
            )
        self.company.supplier_portal_max_upload_mb = 0.00001
        response = self._chatter_upload(self.card_a, "report.pdf", PDF)
        self.assertNotEqual(response.status_code, 200)
        self.company.supplier_portal_max_upload_mb = 10
        # With the corrective action's token (its portal page), same policy.
        response = self._chatter_upload(
            self.action_a, "tool.exe", EXE, token=self.action_a.access_token
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertFalse(self._attachments_on(self.action_a))
        # A good file goes through, under a clean name.
        response = self._chatter_upload(self.card_a, "../../report\u202e.pdf", PDF)
        self.assertEqual(response.status_code, 200)
        stored = self._attachments_on(self.card_a) - before
        self.assertEqual(stored.mapped("name"), ["report.pdf"])
        self.assertEqual(stored.raw, PDF)

    def test_pending_chatter_upload_is_checked_when_posted(self):
        self.authenticate("supplier_a", "supplier_a")
        response = self._chatter_upload(self.card_a, "tool.exe", EXE, pending=True)
        self.assertEqual(
            response.status_code, 200, "a pending file is not on the scorecard yet"
        )
        pending = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "mail.compose.message"),
                ("create_uid", "=", self.user_a.id),
            ]
        )
        self.assertEqual(len(pending), 1)
        answer = self._mail_post_route(
            self.card_a, "See the attached report", attachments=pending
        )
        self.assertIn("error", answer)
        self.assertFalse(self._attachments_on(self.card_a))
        self.assertFalse(
            self.env["mail.message"].search([("body", "ilike", "attached report")])
        )
        # A PDF posted the same way reaches the scorecard.
        self._chatter_upload(self.card_a, "report.pdf", PDF, pending=True)
        pdf = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "mail.compose.message"),
                ("create_uid", "=", self.user_a.id),
                ("name", "=", "report.pdf"),
            ]
        )
        answer = self._mail_post_route(
            self.card_a, "See the attached report", attachments=pdf
        )
        self.assertNotIn("error", answer)
        self.assertEqual(
            self._attachments_on(self.card_a).mapped("name"), ["report.pdf"]
        )

    def test_portal_forms_refuse_bombs_and_legacy_office_files(self):
        self.authenticate("supplier_a", "supplier_a")
        page = f"/my/purchase/{self.order_a.id}"
        response = self._post(
            f"{page}/documents",
            page,
            {"kind": "qc_report"},
            files={"document": ("qc.odt", odt_bomb(32 * 1024 * 1024))},
        )
        self.assertIn("compressed in a way no real document is", response.text)
        response = self._post(
            f"{page}/documents",
            page,
            {"kind": "qc_report"},
            files={"document": ("qc.doc", OLE)},
        )
        self.assertIn("This kind of file is not accepted here.", response.text)
        self.order_a.invalidate_recordset()
        self.assertFalse(self.order_a.supplier_qc_report_ids)

    # -------------------------------------------------------- purchase order documents
    def test_follower_of_another_suppliers_order_sees_no_documents(self):
        self.order_b.with_user(self.user_b)._add_supplier_document(
            "qc_report", "beta-qc.pdf", PDF, "application/pdf"
        )
        beta_document = self.order_b.supplier_qc_report_ids
        self.order_b.message_subscribe(partner_ids=self.user_a.partner_id.ids)
        self.authenticate("supplier_a", "supplier_a")
        response = self.url_open(f"/my/purchase/{self.order_b.id}")
        self.assertEqual(
            response.status_code, 200, "a follower sees the order itself (Odoo's rule)"
        )
        self.assertIn(self.order_b.name, response.text)
        self.assertNotIn("beta-qc.pdf", response.text)
        response = self.url_open(
            f"/web/content/{beta_document.attachment_id.id}?download=true"
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertNotEqual(response.content, PDF)
        page = f"/my/purchase/{self.order_b.id}"
        response = self._post(
            f"{page}/documents",
            page,
            {"kind": "qc_report"},
            files={"document": ("a.pdf", PDF)},
        )
        self.assertTrue(response.url.rstrip("/").endswith("/my"), response.url)
        self.order_b.invalidate_recordset()
        self.assertEqual(self.order_b.supplier_qc_report_ids, beta_document)
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.user_a)._add_supplier_document(
                "qc_report", "a.pdf", PDF, "application/pdf"
            )
        # The buyer still sees and downloads it.
        self.assertEqual(beta_document.with_user(self.buyer).attachment_id.raw, PDF)

    # ----------------------------------------------------------- messages of the pages
    def test_error_parameters_show_only_server_messages(self):
        self.authenticate("supplier_a", "supplier_a")
        forged = "Your account is suspended: call +1 555 0100"
        for url in (
            f"/my/certificates?error={forged}",
            f"/my/corrective_actions/{self.action_a.id}?error={forged}",
            f"/my/purchase/{self.order_a.id}?supplier_document_error={forged}",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200)
            self.assertNotIn(forged, response.text, url)
            self.assertNotIn("o_upload_error", response.text, url)
        for url in (
            "/my/certificates?error=too_large",
            f"/my/corrective_actions/{self.action_a.id}?error=too_large",
            f"/my/purchase/{self.order_a.id}?supplier_document_error=too_large",
        ):
            self.assertIn(
                "The file is larger than 10.0 MB.", self.url_open(url).text, url
            )
        self.assertIn(
            "Accepted: GIF image, JPEG image, PDF, PNG image, WebP image.",
            self.url_open("/my/certificates?error=type-documents").text,
        )

    # ------------------------------------------------------------ certificate renewals
    def _renew(self, certificate, **values):
        values = {
            "issue_date": "2026-11-01",
            "expiry_date": "2029-11-01",
            "number": "A-9001-2",
            **values,
        }
        return self._post(
            f"/my/certificates/{certificate.id}/renew",
            "/my/certificates",
            values,
            files={"document": ("renewal.pdf", PDF)},
        )

    def test_renewal_of_a_supplier_with_a_buyer(self):
        self.supplier_a.buyer_id = self.buyer
        self.authenticate("supplier_a", "supplier_a")
        response = self._renew(self.certificate_a)
        self.assertIn("the buyer will review the renewal", response.text)
        self.certificate_a.invalidate_recordset()
        self.assertEqual(self.certificate_a.renewal_state, "pending")
        self.assertEqual(self.certificate_a.activity_ids.user_id, self.buyer)
        self.assertEqual(self.certificate_a.renewal_document_name, "renewal.pdf")

    def test_renewal_with_bad_dates_says_why(self):
        self.authenticate("supplier_a", "supplier_a")
        response = self._renew(self.certificate_a, expiry_date="2026-01-01")
        self.assertIn(
            "the new expiry date must come after the new issue date", response.text
        )
        response = self._renew(self.certificate_a, issue_date="not a date")
        self.assertIn(
            "the new expiry date must come after the new issue date", response.text
        )
        self.certificate_a.invalidate_recordset()
        self.assertFalse(self.certificate_a.renewal_state)

    def test_buyer_approves_or_refuses_a_renewal(self):
        self.authenticate("supplier_a", "supplier_a")
        self._renew(self.certificate_a)
        self.certificate_a.invalidate_recordset()
        self.assertEqual(self.certificate_a.renewal_state, "pending")
        # The supplier cannot approve its own renewal, by RPC or from the model.
        answer = self._rpc(
            "supplier.certificate", "action_approve_renewal", [self.certificate_a.id]
        )
        self.assertEqual(answer["error"]["data"]["name"], "odoo.exceptions.AccessError")
        with self.assertRaises(AccessError):
            self.certificate_a.with_user(self.user_a).action_reject_renewal()
        self.certificate_a.invalidate_recordset()
        self.assertEqual(self.certificate_a.renewal_state, "pending")
        # The buyer finds it in the renewals to approve, and approves it.
        action = self.env.ref("supplier_evaluation.supplier_certificate_action_renewal")
        self.assertEqual(action.context, "{'search_default_renewal_pending': 1}")
        self.assertIn(
            self.certificate_a,
            self.env["supplier.certificate"]
            .with_user(self.buyer)
            .search([("renewal_state", "=", "pending")]),
        )
        self.certificate_a.with_user(self.buyer).action_approve_renewal()
        self.assertFalse(self.certificate_a.renewal_state)
        self.assertEqual(str(self.certificate_a.expiry_date), "2029-11-01")
        self.assertEqual(self.certificate_a.document_name, "renewal.pdf")
        approved = self.certificate_a.message_ids.filtered(
            lambda m: "Renewal approved" in m.body
        )
        self.assertEqual(approved.author_id, self.buyer.partner_id)
        self.assertEqual(approved.partner_ids, self.supplier_a)
        # A second renewal, refused: the approved certificate stays.
        self._renew(self.certificate_a, expiry_date="2030-11-01", number="A-9001-3")
        self.certificate_a.invalidate_recordset()
        self.certificate_a.with_user(self.buyer).action_reject_renewal()
        self.assertFalse(self.certificate_a.renewal_state)
        self.assertFalse(self.certificate_a.renewal_document)
        self.assertEqual(str(self.certificate_a.expiry_date), "2029-11-01")
        self.assertEqual(self.certificate_a.number, "A-9001-2")
        self.assertTrue(
            self.certificate_a.message_ids.filtered(
                lambda m: "renewal was not accepted" in m.body
            )
        )

    # ------------------------------------------------------------------ request size
    def test_upload_just_under_the_configured_limit_passes_odoos_request_limit(self):
        # Odoo refuses any request above http.DEFAULT_MAX_CONTENT_LENGTH (128 MiB).
        # Scaled down: Odoo's limit 512 KiB, the company's 1 MB, a file of 1,000,000
        # bytes.
        self.company.supplier_portal_max_upload_mb = 1
        big_pdf = PDF + b"%" * (1_000_000 - len(PDF))
        self.authenticate("supplier_a", "supplier_a")
        page = f"/my/purchase/{self.order_a.id}"
        with patch("odoo.http.DEFAULT_MAX_CONTENT_LENGTH", 512 * 1024):
            response = self._post(
                f"{page}/documents",
                page,
                {"kind": "qc_report"},
                files={"document": ("big.pdf", big_pdf)},
            )
        self.assertEqual(response.status_code, 200)
        self.assertIn("File received", response.text)
        self.order_a.invalidate_recordset()
        self.assertEqual(
            self.order_a.supplier_qc_report_ids.attachment_id.file_size, 1_000_000
        )

    # ------------------------------------------------------------------ in a browser
    def test_portal_tour(self):
        self.start_tour("/my", "supplier_evaluation_portal_tour", login="supplier_a")
        self.action_a.invalidate_recordset()
        self.assertEqual(self.action_a.state, "answered")
        self.assertEqual(self.action_a.evidence_ids.name, "maintenance-report.pdf")
        self.order_a.invalidate_recordset()
        self.assertEqual(self.order_a.supplier_progress_photo_ids.name, "progress.png")

    def test_rejected_file_keeps_the_typed_answer_tour(self):
        self.start_tour(
            "/my/corrective_actions",
            "supplier_evaluation_corrective_action_retry_tour",
            login="supplier_a",
        )
        self.action_a.invalidate_recordset()
        self.assertEqual(
            self.action_a.state, "requested", "nothing saved with the refused file"
        )
        self.assertFalse(self.action_a.root_cause)
