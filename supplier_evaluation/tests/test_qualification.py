import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SupplierEvaluationCase

TODAY = "2026-03-15 10:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestQualification(SupplierEvaluationCase):
    """Fasteners require ISO 9001; Bolts (a sub-category) ISO 14001 as well. The
    candidate sells a bolt (vendor priceline), and says it supplies Fasteners."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iso9001 = cls.env.ref(
            "supplier_evaluation.supplier_certificate_type_iso_9001"
        )
        cls.iso14001 = cls.env.ref(
            "supplier_evaluation.supplier_certificate_type_iso_14001"
        )
        cls.fasteners = cls.env["product.category"].create(
            {
                "name": "Fasteners",
                "supplier_required_certificate_type_ids": [(6, 0, cls.iso9001.ids)],
            }
        )
        cls.bolts = cls.env["product.category"].create(
            {
                "name": "Bolts",
                "parent_id": cls.fasteners.id,
                "supplier_required_certificate_type_ids": [(6, 0, cls.iso14001.ids)],
            }
        )
        cls.candidate = cls.env["res.partner"].create(
            {"name": "Candidate Bolts Ltd", "is_company": True}
        )
        bolt = cls.env["product.product"].create(
            {"name": "M8 bolt", "categ_id": cls.bolts.id, "type": "consu"}
        )
        cls.env["product.supplierinfo"].create(
            {
                "partner_id": cls.candidate.id,
                "product_tmpl_id": bolt.product_tmpl_id.id,
                "price": 1.0,
            }
        )
        cls.manager_env = cls.env(user=cls.purchase_manager)

    def _certificate(self, kind, expiry, company=None, **values):
        return self.env["supplier.certificate"].create(
            {
                "partner_id": self.candidate.id,
                "company_id": (company or self.company).id,
                "certificate_type_id": kind.id,
                "issue_date": "2024-01-01",
                "expiry_date": expiry,
                **values,
            }
        )

    def _as_manager(self):
        return self.candidate.with_env(self.manager_env)

    def test_approval_refused_names_the_missing_and_expired_certificates(self):
        self._certificate(self.iso9001, "2026-03-14")  # expired yesterday
        # Approved only after a buyer approved it: a portal upload does not count.
        self._certificate(self.iso14001, "2028-01-01", renewal_state="new")
        # Another company's certificate is not this company's.
        self._certificate(self.iso14001, "2028-01-01", company=self.other_company)
        with self.assertRaises(ValidationError) as refused:
            self._as_manager().supplier_qualification_state = "approved"
        message = str(refused.exception)
        self.assertIn("missing: ISO 14001", message)
        self.assertIn("expired: ISO 9001 (on 03/14/2026)", message)
        self.assertFalse(self.candidate.supplier_qualification_state)
        self.assertEqual(
            self._as_manager().supplier_qualification_missing,
            "missing: ISO 14001; expired: ISO 9001 (on 03/14/2026)",
        )
        self._certificate(self.iso9001, "2027-03-14")
        self._certificate(self.iso14001, "2027-03-14")
        self.candidate.invalidate_recordset(["supplier_qualification_missing"])
        self.assertFalse(self._as_manager().supplier_qualification_missing)
        self._as_manager().supplier_qualification_state = "approved"
        self.assertEqual(self.candidate.supplier_qualification_state, "approved")

    def test_steps_in_the_chatter_and_conditional_approval_with_review(self):
        self._certificate(self.iso9001, "2027-01-01")
        self._certificate(self.iso14001, "2027-01-01")
        partner = self._as_manager()
        for state in ("candidate", "evaluation", "answered"):
            partner.supplier_qualification_state = state
        with self.assertRaises(ValidationError) as refused:
            partner.supplier_qualification_state = "conditional"
        self.assertIn("conditions and a review date", str(refused.exception))
        partner.write(
            {
                "supplier_qualification_state": "conditional",
                "supplier_qualification_conditions": "Audit of the heat treatment",
                "supplier_qualification_review_date": "2026-06-30",
            }
        )
        notes = self.candidate.message_ids.filtered(
            lambda m: "Qualification" in (m.body or "")
        )
        self.assertEqual(len(notes), 4, notes.mapped("body"))
        self.assertEqual(notes.author_id, self.purchase_manager.partner_id)
        last = notes[0]
        self.assertIn("Answered → Conditional", last.body)
        self.assertIn("Audit of the heat treatment", last.body)
        self.assertIn("06/30/2026", last.body)
        self.assertEqual(last.date, datetime.datetime(2026, 3, 15, 10, 0))
        activity = self.candidate.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, datetime.date(2026, 6, 30))
        self.assertEqual(activity.user_id, self.purchase_manager)
        self.assertEqual(activity.state, "planned")  # raised before it falls due
        # Conditions cannot be emptied while conditional.
        with self.assertRaises(ValidationError):
            partner.supplier_qualification_conditions = ""
        partner.supplier_qualification_state = "refused"
        self.assertEqual(self.candidate.supplier_qualification_state, "refused")

    def test_only_purchase_managers_qualify_whatever_the_entry_point(self):
        buyer = self.candidate.with_user(self.buyer)
        for values in (
            {"supplier_qualification_state": "approved"},
            {"supplier_qualification_conditions": "none"},
            {"supplier_qualification_review_date": "2027-01-01"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                buyer.write(values)
        # Nor by creating a supplier already qualified (a buyer may create contacts).
        creator = new_test_user(
            self.env,
            login="se_contact_creator",
            groups="purchase.group_purchase_user,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(creator).create(
                {"name": "Self-approved", "supplier_qualification_state": "approved"}
            )
        self.assertFalse(self.candidate.supplier_qualification_state)

    def test_created_approved_supplier_needs_its_certificates(self):
        with self.assertRaises(ValidationError) as refused:
            self.env["res.partner"].with_env(self.manager_env).create(
                {
                    "name": "New fastener vendor",
                    "supplier_category_ids": [(6, 0, self.fasteners.ids)],
                    "supplier_qualification_state": "approved",
                }
            )
        self.assertIn("missing: ISO 9001", str(refused.exception))
