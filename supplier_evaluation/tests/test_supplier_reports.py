import datetime
import shutil
import subprocess
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SupplierEvaluationCase

FEBRUARY = (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
APRIL = (datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
REPORT = "supplier_evaluation.supplier_scorecard_report_action"


class SupplierReportsCase(SupplierEvaluationCase):
    """Fixtures of the report tests: February to April 2026, built through Odoo's
    purchase and stock flows (routine template: price 35, on time 35, quality 15, in
    full 5, service 10).

    Vendor A (ordered through a contact in March): P1 10 @ 10 each month, on time in
    February, late in March: price index 125 (score 0), total (35 + 15 + 5) * 100 / 90 =
    61.1 in February and 15 * 100 / 90 = 16.7 in March, grade C both months; a cancelled
    RFQ in March. April is scored for A alone, without activity: "no data".
    Vendor B: P1 10 @ 8 in February, 20 @ 8 in March (with a section line), all on time,
    the cheaper vendor: 100, grade A; in March also P2 5 @ 20 in a foreign currency at
    rate 2 (promised in April, so not due in March); in April P1 5 @ 8, never scored.

    Spend (company currency): A grade 80 + 160 + 100 / 2 = 290, C 100 + 100 = 200, not
    graded 40.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "UTC"
        cls.vendor_a = cls.env["res.partner"].create(
            {
                "name": "Vendor A",
                "is_company": True,
                "email": "vendor.a@example.com",
            }
        )
        cls.vendor_a_contact = cls.env["res.partner"].create(
            {"name": "Anna", "parent_id": cls.vendor_a.id}
        )
        cls.vendor_b = cls.env["res.partner"].create(
            {
                "name": "Vendor B",
                "is_company": True,
                "email": "vendor.b@example.com",
            }
        )
        cls.vendors = cls.vendor_a | cls.vendor_b
        cls.p1, cls.p2 = cls.env["product.product"].create(
            [
                {"name": "Bolt", "type": "consu", "is_storable": True},
                {"name": "Nut", "type": "consu", "is_storable": True},
            ]
        )
        cls.foreign_currency = cls.env.ref(
            "base.EUR" if cls.company.currency_id.name != "EUR" else "base.USD"
        )
        cls.foreign_currency.active = True
        # Only this rate applies to the test's orders, whatever rates the database has
        # (e.g. demo data).
        cls.env["res.currency.rate"].search(
            [("currency_id", "=", cls.foreign_currency.id)]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.foreign_currency.id,
                "company_id": cls.company.id,
                "name": "2026-03-01",
                "rate": 2.0,
            }
        )
        with freeze_time("2026-02-02 09:00:00"):
            po_a_feb = cls._order(
                cls.vendor_a, [(cls.p1, 10, 10.0, "2026-02-10 12:00:00")]
            )
            po_b_feb = cls._order(
                cls.vendor_b, [(cls.p1, 10, 8.0, "2026-02-10 12:00:00")]
            )
        with freeze_time("2026-02-09 09:00:00"):
            cls._receive(po_a_feb, {cls.p1: 10})
        with freeze_time("2026-02-10 09:00:00"):
            cls._receive(po_b_feb, {cls.p1: 10})
        with freeze_time("2026-03-02 09:00:00"):
            po_a_mar = cls._order(
                cls.vendor_a_contact, [(cls.p1, 10, 10.0, "2026-03-10 12:00:00")]
            )
            po_b_mar = cls._order(
                cls.vendor_b, [(cls.p1, 20, 8.0, "2026-03-10 12:00:00")], section=True
            )
            cls._order(
                cls.vendor_b,
                [(cls.p2, 5, 20.0, "2026-04-20 12:00:00")],
                currency=cls.foreign_currency,
            )
            cls._order(
                cls.vendor_a, [(cls.p1, 4, 10.0, "2026-03-15 12:00:00")], confirm=False
            ).button_cancel()
        with freeze_time("2026-03-10 09:00:00"):
            cls._receive(po_b_mar, {cls.p1: 20})
        with freeze_time("2026-03-20 09:00:00"):
            cls._receive(po_a_mar, {cls.p1: 10})
        with freeze_time("2026-04-02 09:00:00"):
            cls._order(cls.vendor_b, [(cls.p1, 5, 8.0, "2026-04-10 12:00:00")])
        Scorecard = cls.env["supplier.scorecard"]
        Scorecard._evaluate(cls.company, *FEBRUARY, partners=cls.vendors)
        Scorecard._evaluate(cls.company, *MARCH, partners=cls.vendors)
        Scorecard._evaluate(cls.company, *APRIL, partners=cls.vendor_a)

    @classmethod
    def _order(cls, partner, lines, confirm=True, section=False, currency=None):
        order_lines = []
        if section:
            order_lines.append(
                Command.create(
                    {
                        "display_type": "line_section",
                        "name": "Fasteners",
                        "product_qty": 0,
                    }
                )
            )
        order_lines += [
            Command.create(
                {
                    "product_id": product.id,
                    "product_qty": qty,
                    "price_unit": price,
                    "date_planned": planned,
                }
            )
            for product, qty, price, planned in lines
        ]
        order = cls.env["purchase.order"].create(
            {
                "partner_id": partner.id,
                "currency_id": (currency or cls.company.currency_id).id,
                "order_line": order_lines,
            }
        )
        if confirm:
            order.button_confirm()
        return order

    @classmethod
    def _receive(cls, order, quantities):
        picking = order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        )
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0)
            move.picked = True
        picking._action_done()
        return picking

    def _card(self, vendor, period, company=None):
        return self.env["supplier.scorecard"].search(
            [
                ("partner_id", "=", vendor.id),
                ("company_id", "=", (company or self.company).id),
                ("date_from", "=", period[0]),
            ]
        )

    def _html(self, cards):
        html, report_format = self.env["ir.actions.report"]._render_qweb_html(
            REPORT, cards.ids
        )
        self.assertEqual(report_format, "html")
        return html.decode()


@tagged("post_install", "-at_install")
class TestSupplierReports(SupplierReportsCase):
    # -------------------------------------------------------- the data the reports show
    def test_fixture_grades(self):
        card_a, card_b = (
            self._card(self.vendor_a, MARCH),
            self._card(self.vendor_b, MARCH),
        )
        self.assertAlmostEqual(
            self._card(self.vendor_a, FEBRUARY).total_score, 5500 / 90
        )
        self.assertAlmostEqual(card_a.total_score, 1500 / 90)
        self.assertEqual(
            (self._card(self.vendor_a, FEBRUARY).grade, card_a.grade), ("C", "C")
        )
        self.assertEqual(
            (self._card(self.vendor_b, FEBRUARY).grade, card_b.grade), ("A", "A")
        )
        april_a = self._card(self.vendor_a, APRIL)
        self.assertEqual(
            len(april_a), 1, "a supplier asked for by name gets an April card"
        )
        self.assertFalse(april_a.has_data)
        self.assertFalse(self._card(self.vendor_b, APRIL))

    # -------------------------------------------------------------- printable scorecard
    def test_report_is_in_print_menu_with_its_file_name(self):
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "supplier.scorecard")
        card = self._card(self.vendor_a, MARCH)
        self.assertEqual(
            safe_eval(report.print_report_name, {"object": card}),
            "Scorecard - Vendor A - 2026-03-01",
        )

    def test_html_shows_criteria_total_change_samples_and_trend(self):
        html = self._html(self._card(self.vendor_a, MARCH))
        for label in (
            "On-time delivery",
            "In full",
            "Quality acceptance",
            "Price competitiveness",
            "Service (rating)",
        ):
            self.assertIn(label, html)
        self.assertIn("16.7", html)  # total
        self.assertIn("125.0", html)  # price index, the raw figure
        self.assertIn("44.4", html)  # change: 16.7 - 61.1
        self.assertIn("61.1", html)  # previous total, and February in the trend
        self.assertIn("Routine", html)
        self.assertRegex(
            html, r"Products compared: <span>1</span>"
        )  # what each figure is based on
        self.assertIn("Left out of the figures", html)
        self.assertIn("Feb 2026", html)
        self.assertIn("Mar 2026", html)
        self.assertNotIn('name="no_data"', html)
        # Criteria without data (no buyer rating) are left out, the others rescaled over
        # 90.
        self.assertIn("left out", html)
        self.assertIn("38.9", html)  # 35 / 90

    def test_html_no_data_block(self):
        html = self._html(self._card(self.vendor_a, APRIL))
        self.assertIn('name="no_data"', html)
        self.assertIn("No data", html)
        self.assertNotIn('name="summary"', html)
        # The trend still shows the two scored months before it.
        self.assertIn("Feb 2026", html)
        self.assertIn("Apr 2026", html)

    def test_trend_last_six_same_supplier_and_company_one_search(self):
        vendor = self.env["res.partner"].create(
            {"name": "Vendor C", "is_company": True}
        )
        template = self._card(self.vendor_a, MARCH).template_id
        cards = self.env["supplier.scorecard"]
        for month in range(8):  # 2025-08 .. 2026-03; December without data
            start = datetime.date(2025, 8, 1) + relativedelta(months=month)
            values = {
                "partner_id": vendor.id,
                "company_id": self.company.id,
                "period_type": "month",
                "date_from": start,
                "date_to": start + relativedelta(day=31),
                "template_id": template.id,
                "has_data": month != 4,
            }
            if month != 4:  # left out, the figures stay empty (NULL), not 0
                values.update(
                    total_score=50 + month,
                    grade="C",
                    on_time_rate=80 + month,
                    lead_time_avg=10 - month,
                )
            cards |= self.env["supplier.scorecard"].create(values)
        other = self.env["supplier.scorecard"].create(
            {
                "partner_id": vendor.id,
                "company_id": self.other_company.id,
                "period_type": "month",
                "date_from": "2026-02-01",
                "date_to": "2026-02-28",
                "has_data": True,
                "total_score": 99,
            }
        )
        march, december = cards[-1], cards[4]
        Scorecard = self.registry["supplier.scorecard"]
        original = Scorecard.search
        searches = []

        def counting_search(model, *args, **kwargs):
            searches.append(args)
            return original(model, *args, **kwargs)

        report = self.env["report.supplier_evaluation.report_supplier_scorecard"]
        with patch.object(Scorecard, "search", counting_search):
            values = report._get_report_values((march | december).ids)
        self.assertEqual(
            len(searches), 1, "one search for the trends of all scorecards printed"
        )
        self.assertEqual(values["trends"][march.id].ids, cards[2:].ids)
        self.assertEqual(values["trends"][december.id].ids, cards[:5].ids)
        self.assertNotIn(other, values["trends"][march.id])
        # Empty figures stay empty: December had no data, which is not a 0.
        self.assertIsNone(values["figures"][december.id]["total_score"])
        self.assertIsNone(values["figures"][december.id]["on_time_rate"])
        self.assertEqual(values["figures"][march.id]["total_score"], 57)

        html = self._html(march)
        self.assertIn("Oct 2025", html)
        self.assertIn("Mar 2026", html)
        self.assertNotIn("Sep 2025", html)
        self.assertIn("No data", html)  # December in the trend
        self.assertIn("87.0", html)  # on time in March
        # Once published (sent to the supplier, shown in its portal), only published
        # scorecards show.
        published = cards[0] | cards[3] | march
        published.is_published = True
        self.assertEqual(
            report._get_report_values(march.ids)["trends"][march.id].ids, published.ids
        )

    # ------------------------------------------------------------------ sending it
    def test_buyer_sends_scorecard_with_pdf(self):
        card = self._card(self.vendor_a, MARCH)
        card.action_publish()
        action = card.with_user(self.buyer).action_send_scorecard()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.buyer)
            .with_context(**action["context"])
        )
        self.assertIn(self.vendor_a, composer.partner_ids)
        self.assertIn("supplier scorecard for March 2026", composer.subject)
        composer.save()._action_send_mail()
        message = card.message_ids[0]
        self.assertEqual(message.author_id, self.buyer.partner_id)
        self.assertIn(self.vendor_a, message.partner_ids)
        # (an HTML file in tests, where Odoo renders reports as HTML unless forced to
        # PDF)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertRegex(
            message.attachment_ids.name,
            r"^Scorecard - Vendor A - 2026-03-01\.(pdf|html)$",
        )

    # ------------------------------------------------------------------ spend by grade
    def _spend(self, groupby, domain=()):
        rows = self.env["supplier.spend.grade.report"]._read_group(
            [("partner_id", "in", self.vendors.ids), *domain], groupby, ["spend:sum"]
        )
        return {tuple(key) if len(key) > 1 else key[0]: spend for *key, spend in rows}

    def test_spend_by_grade(self):
        self.assertEqual(self._spend(["grade"]), {"A": 290.0, "C": 200.0, "none": 40.0})
        by_month = self._spend(["date:month", "grade"])
        self.assertEqual(
            by_month,
            {
                (datetime.date(2026, 2, 1), "A"): 80.0,
                (datetime.date(2026, 2, 1), "C"): 100.0,
                (datetime.date(2026, 3, 1), "A"): 210.0,
                (datetime.date(2026, 3, 1), "C"): 100.0,
                (datetime.date(2026, 4, 1), "none"): 40.0,
            },
        )
        rows = self.env["supplier.spend.grade.report"].search(
            [("partner_id", "in", self.vendors.ids)]
        )
        # One row per confirmed goods line: no section, no cancelled RFQ; contacts count
        # for their company.
        self.assertEqual(len(rows), 6)
        self.assertEqual(rows.partner_id, self.vendors)
        self.assertEqual(
            rows.filtered(lambda r: r.grade == "C").scorecard_id.partner_id,
            self.vendor_a,
        )
        self.assertEqual(set(rows.mapped("kraljic_class")), {"routine", False})
        self.assertEqual(dict(rows._fields["grade"].selection)["none"], "Not graded")

    def test_spend_month_follows_company_time_zone_and_prefers_month_scorecards(self):
        with freeze_time("2026-03-31 20:00:00"):
            order = self._order(
                self.vendor_b, [(self.p1, 1, 8.0, "2026-04-30 12:00:00")]
            )
        # A quarter scorecard of the same supplier does not double the rows nor replace
        # the month's grade.
        self.env["supplier.scorecard"].create(
            {
                "partner_id": self.vendor_b.id,
                "company_id": self.company.id,
                "period_type": "quarter",
                "date_from": "2026-01-01",
                "date_to": "2026-03-31",
                "has_data": True,
                "total_score": 10,
                "grade": "C",
            }
        )
        Report = self.env["supplier.spend.grade.report"]
        row = Report.search([("order_id", "=", order.id)])
        self.assertEqual((row.date, row.grade), (datetime.date(2026, 3, 31), "A"))
        self.company.partner_id.tz = (
            "Asia/Shanghai"  # 04-01 04:00 there: April, not scored
        )
        row.invalidate_recordset()
        self.assertEqual((row.date, row.grade), (datetime.date(2026, 4, 1), "none"))
        self.assertEqual(
            Report.search_count([("partner_id", "in", self.vendors.ids)]), 7
        )

    def test_spend_rows_stay_in_their_company(self):
        self.assertEqual(
            self.env["supplier.spend.grade.report"]
            .with_user(self.buyer)
            .search_count([("partner_id", "in", self.vendors.ids)]),
            6,
        )
        self.assertFalse(
            self.env["supplier.spend.grade.report"]
            .with_user(self.other_manager)
            .search([])
        )
        self.assertFalse(
            self.env["supplier.spend.grade.report"]
            .with_user(self.other_manager)
            ._read_group([], ["grade"], ["spend:sum"])
        )


@tagged("post_install", "-at_install")
class TestSupplierScorecardPdf(SupplierReportsCase, HttpCase):
    """wkhtmltopdf loads the report's assets from the server: an HttpCase lets those
    requests share the test transaction (in a TransactionCase they would wait on its
    locks).

    Tests render reports as HTML unless asked with ``force_report_rendering``: this
    class renders real PDF files. It fails, never skips, without wkhtmltopdf."""

    def _pdf(self, card):
        pdf, report_format = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, card.ids)
        )
        self.assertEqual(report_format, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:100])
        return pdf

    def _text(self, pdf):
        pdftotext = shutil.which("pdftotext")
        self.assertTrue(
            pdftotext,
            "pdftotext (poppler-utils) is required to read the printed scorecard",
        )
        text = subprocess.run(
            [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout
        return " ".join(text.decode().split())

    def test_pdf_renders(self):
        state = self.env["ir.actions.report"].get_wkhtmltopdf_state()
        self.assertNotIn(
            state, ("install", "broken"), "wkhtmltopdf is required to print scorecards"
        )
        # One scorecard per call: the unpatched-Qt wkhtmltopdf builds cannot merge
        # several documents.
        march, april = (
            self._card(self.vendor_a, MARCH),
            self._card(self.vendor_a, APRIL),
        )
        # With the report's web fonts wkhtmltopdf draws the glyphs as shapes, which no
        # tool reads back as text: those files are checked as PDF files of one page with
        # content.
        pdf = self._pdf(march)
        self.assertEqual(pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page\r"), 1)
        self.assertGreater(len(pdf), 20_000)
        # Without the server's assets it falls back to the system fonts, which it embeds
        # as text.
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        text = self._text(self._pdf(march))
        self.assertIn("Vendor A", text)
        self.assertIn("Supplier Scorecard March 2026", text)
        self.assertIn("16.7 / 100", text)  # total: 1500 / 90
        self.assertIn("61.1", text)  # previous total: 5500 / 90
        self.assertNotIn("Vendor B", text)
        text = self._text(self._pdf(april))
        self.assertIn("Supplier Scorecard April 2026", text)
        self.assertIn("No data", text)
