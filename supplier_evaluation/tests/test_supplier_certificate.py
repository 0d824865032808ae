from datetime import date

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestSupplierCertificate(SupplierEvaluationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Certificate = cls.env["supplier.certificate"]
        cls.iso_9001 = cls.env.ref(
            "supplier_evaluation.supplier_certificate_type_iso_9001"
        )
        cls.iso_14001 = cls.env.ref(
            "supplier_evaluation.supplier_certificate_type_iso_14001"
        )
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.supplier = cls.env["res.partner"].create(
            {"name": "Certified Castings Ltd", "is_company": True}
        )
        cls.supplier_contact = cls.env["res.partner"].create(
            {
                "name": "Quality Manager",
                "parent_id": cls.supplier.id,
            }
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="se_portal",
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _certificate(self, expiry_date, **vals):
        return self.Certificate.create(
            {
                "partner_id": self.supplier.id,
                "certificate_type_id": self.iso_9001.id,
                "number": "Q-1234",
                "issue_date": date(2022, 1, 1),
                "expiry_date": expiry_date,
                **vals,
            }
        )

    def _reminders(self, certificate):
        return certificate.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.todo
        )

    def test_default_reminder_period(self):
        self.assertEqual(self.company.supplier_certificate_reminder_days, 30)

    @freeze_time("2025-03-03")
    def test_reminder_once_per_expiry_date(self):
        self.supplier.buyer_id = self.buyer
        certificate = self._certificate(date(2025, 3, 20))
        self.Certificate._cron_send_expiry_reminders()
        reminder = self._reminders(certificate)
        self.assertEqual(len(reminder), 1)
        self.assertEqual(
            reminder.user_id, self.buyer, "the supplier's buyer is responsible"
        )
        self.assertEqual(reminder.date_deadline, date(2025, 3, 20))
        self.assertIn("Renew certificate", reminder.summary)
        self.assertEqual(certificate.reminded_expiry_date, date(2025, 3, 20))

        # The job runs again (next day, or twice the same day): no second reminder.
        self.Certificate._cron_send_expiry_reminders()
        with freeze_time("2025-03-04"):
            self.Certificate._cron_send_expiry_reminders()
        self.assertEqual(len(self._reminders(certificate)), 1)

        # Renewed for three years: nothing until the new expiry date comes near...
        certificate.expiry_date = date(2028, 3, 20)
        self.Certificate._cron_send_expiry_reminders()
        self.assertEqual(len(self._reminders(certificate)), 1)
        self.assertEqual(certificate.state, "valid")
        # ... and then one reminder for the new expiry date.
        with freeze_time("2028-03-01"):
            self.Certificate._cron_send_expiry_reminders()
        self.assertEqual(len(self._reminders(certificate)), 2)
        self.assertEqual(
            sorted(self._reminders(certificate).mapped("date_deadline")),
            [date(2025, 3, 20), date(2028, 3, 20)],
        )
        self.assertEqual(certificate.reminded_expiry_date, date(2028, 3, 20))

    @freeze_time("2025-03-03")
    def test_no_reminder_outside_window(self):
        certificate = self._certificate(date(2025, 4, 3))  # 31 days ahead
        self.Certificate._cron_send_expiry_reminders()
        self.assertFalse(self._reminders(certificate))
        self.assertFalse(certificate.reminded_expiry_date)
        self.assertEqual(certificate.state, "valid")
        # One day later it enters the 30-day window.
        with freeze_time("2025-03-04"):
            self.Certificate._cron_send_expiry_reminders()
        self.assertEqual(len(self._reminders(certificate)), 1)
        self.assertEqual(certificate.state, "expiring")

    @freeze_time("2025-03-03")
    def test_reminder_period_and_responsible_per_company(self):
        self.other_company.supplier_certificate_reminder_days = 60
        ours = self._certificate(date(2025, 4, 17))  # 45 days ahead
        theirs = self._certificate(date(2025, 4, 17), company_id=self.other_company.id)
        self.assertEqual(ours.state, "valid")
        self.assertEqual(theirs.state, "expiring")
        self.Certificate._cron_send_expiry_reminders()
        self.assertFalse(self._reminders(ours))
        reminder = self._reminders(theirs)
        self.assertEqual(len(reminder), 1)
        # No buyer on the supplier: the purchase administrator of the certificate's
        # company.
        self.assertEqual(reminder.user_id, self.other_manager)

    @freeze_time("2025-03-03")
    def test_responsible_must_work_in_the_company(self):
        # The buyer has no access to the other company: its purchase administrator gets
        # it.
        self.supplier.buyer_id = self.buyer
        certificate = self._certificate(
            date(2025, 3, 10), company_id=self.other_company.id
        )
        self.Certificate._cron_send_expiry_reminders()
        self.assertEqual(self._reminders(certificate).user_id, self.other_manager)

    @freeze_time("2025-03-03")
    def test_cron_reports_progress(self):
        self._certificate(date(2025, 3, 10))
        self._certificate(date(2025, 3, 11), certificate_type_id=self.iso_14001.id)
        self._certificate(date(2026, 3, 11))
        progress = self.env["ir.cron.progress"].create(
            {
                "cron_id": self.env["ir.cron"].search([], limit=1).id,
            }
        )
        self.Certificate.with_context(
            ir_cron_progress_id=progress.id
        )._cron_send_expiry_reminders()
        self.assertEqual((progress.done, progress.remaining), (2, 0))

    @freeze_time("2025-03-03")
    def test_state(self):
        expired = self._certificate(date(2025, 3, 2))
        expires_today = self._certificate(date(2025, 3, 3))
        expiring = self._certificate(date(2025, 4, 2))  # last day of the 30-day window
        valid = self._certificate(date(2025, 4, 3))
        self.assertEqual(
            (expired + expires_today + expiring + valid).mapped("state"),
            ["expired", "expiring", "expiring", "valid"],
        )
        # A longer reminder period changes the state at once.
        self.company.supplier_certificate_reminder_days = 60
        self.assertEqual(valid.state, "expiring")
        # Time passes: the daily job moves the states on.
        with freeze_time("2025-03-04"):
            self.Certificate._cron_send_expiry_reminders()
        self.assertEqual(
            (expired + expires_today + expiring + valid).mapped("state"),
            ["expired", "expired", "expiring", "expiring"],
        )
        self.assertEqual(
            self.Certificate.search(
                [("partner_id", "=", self.supplier.id), ("state", "=", "expired")]
            ),
            expired + expires_today,
        )

    def test_expiry_must_follow_issue(self):
        with self.assertRaises(ValidationError) as cm:
            self._certificate(date(2021, 12, 31))
        self.assertRegex(str(cm.exception), "not after its issue date")
        certificate = self._certificate(date(2030, 1, 1))
        with self.assertRaises(ValidationError) as cm:
            certificate.expiry_date = certificate.issue_date
        self.assertRegex(str(cm.exception), "not after its issue date")

    def test_kept_on_the_commercial_partner(self):
        certificate = self._certificate(
            date(2030, 1, 1), partner_id=self.supplier_contact.id
        )
        self.assertEqual(certificate.partner_id, self.supplier)
        other_contact = self.env["res.partner"].create(
            {"name": "Auditor", "parent_id": self.supplier.id}
        )
        certificate.partner_id = other_contact
        self.assertEqual(certificate.partner_id, self.supplier)
        with Form(self.Certificate.with_user(self.buyer)) as form:
            form.partner_id = self.supplier_contact
            self.assertEqual(form.partner_id, self.supplier)
            form.certificate_type_id = self.iso_14001
            form.issue_date = date(2024, 5, 1)
            form.expiry_date = date(2027, 4, 30)
        self.assertEqual(form.record.partner_id, self.supplier)
        self.assertEqual(form.record.company_id, self.company)

    def test_buyer_maintains_certificates(self):
        certificate = self.Certificate.with_user(self.buyer).create(
            {
                "partner_id": self.supplier.id,
                "certificate_type_id": self.iso_9001.id,
                "issue_date": date(2024, 1, 1),
                "expiry_date": date(2027, 1, 1),
            }
        )
        self.assertEqual(certificate.company_id, self.company)
        certificate.number = "Q-42"
        self.assertEqual(
            certificate.with_user(self.buyer).read(["number"])[0]["number"], "Q-42"
        )
        with self.assertRaises(AccessError):
            certificate.unlink()
        with self.assertRaises(AccessError):
            self.iso_9001.with_user(self.buyer).name = "ISO 9001:2015"
        certificate.with_user(self.purchase_manager).unlink()

    def test_portal_user_of_another_partner_cannot_read(self):
        # Portal users read only their own supplier's certificates (see test_portal.py).
        certificate = self._certificate(date(2030, 1, 1))
        with self.assertRaises(AccessError):
            certificate.with_user(self.portal_user).read(["number"])
        self.assertFalse(self.Certificate.with_user(self.portal_user).search([]))

    def test_companies_never_mix(self):
        certificate = self._certificate(date(2030, 1, 1))
        self.assertFalse(self.Certificate.with_user(self.other_manager).search([]))
        with self.assertRaises(AccessError):
            certificate.with_user(self.other_manager).read(["number"])
        with self.assertRaises(AccessError):
            certificate.with_user(self.other_manager).number = "stolen"
