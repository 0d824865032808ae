from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSegmentRules(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls.scheme = cls.env["customer.segment.scheme"].search(
            [("company_id", "=", cls.company.id)]
        )
        cls.salesperson = new_test_user(
            cls.env,
            login="cs_salesperson",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="cs_other_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    def _segment(self, code):
        return self.scheme.segment_ids.filtered(lambda s: s.code == code)

    def test_default_grid_has_ten_segments(self):
        self.assertEqual(len(self.scheme.segment_ids), 10)
        self.assertIn("Can't Lose", self.scheme.segment_ids.mapped("name"))

    def test_gap_is_refused_and_named(self):
        with self.assertRaises(ValidationError) as cm:
            self._segment("new_customers").unlink()
        self.assertRegex(str(cm.exception), r"not covered by any segment: R5F1\b")
        self.assertTrue(
            self._segment("new_customers"), "nothing is lost when a save is refused"
        )

    def test_overlap_is_refused_and_named(self):
        with self.assertRaises(ValidationError) as cm:
            self._segment("promising").r_max = 5
        self.assertRegex(str(cm.exception), r"more than one segment: R5F1\.")

    def test_table_saved_as_a_whole(self):
        # Moving a cell from one segment to another is one save of the table.
        promising, new = self._segment("promising"), self._segment("new_customers")
        self.scheme.write(
            {
                "segment_ids": [
                    Command.update(promising.id, {"r_max": 5}),
                    Command.unlink(new.id),
                ]
            }
        )
        self.assertEqual(len(self.scheme.segment_ids), 9)

    def test_bad_bounds_and_empty_table_refused(self):
        with self.assertRaises(ValidationError) as cm:
            self._segment("champions").f_max = 6
        self.assertRegex(str(cm.exception), "scores run from 1 to 5")
        with self.assertRaises(ValidationError) as cm:
            self.env["customer.segment.scheme"].create(
                {"company_id": self.other_company.id}
            )
        self.assertRegex(str(cm.exception), "cannot be empty")

    def test_salesperson_cannot_change_rules(self):
        scheme = self.scheme.with_user(self.salesperson)
        self.assertEqual(len(scheme.segment_ids), 10)
        with self.assertRaises(AccessError):
            scheme.segment_ids[0].name = "Mine"
        with self.assertRaises(AccessError):
            scheme.write({"name": "Mine"})

    def test_companies_never_mix(self):
        Scheme = self.env["customer.segment.scheme"].with_user(self.other_manager)
        self.assertFalse(Scheme.search([]))
        with self.assertRaises(AccessError):
            self.scheme.with_user(self.other_manager).read(["name"])
