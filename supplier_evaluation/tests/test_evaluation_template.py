from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import SupplierEvaluationCase


@tagged("post_install", "-at_install")
class TestEvaluationTemplate(SupplierEvaluationCase):
    def _template(self, kraljic_class="strategic", company=None):
        return self.env["supplier.evaluation.template"].search(
            [
                ("kraljic_class", "=", kraljic_class),
                ("company_id", "=", (company or self.company).id),
            ]
        )

    def test_default_templates_add_up_to_100(self):
        templates = self.env["supplier.evaluation.template"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(
            sorted(templates.mapped("kraljic_class")),
            ["bottleneck", "leverage", "routine", "strategic"],
        )
        for template in templates:
            self.assertAlmostEqual(template.total_weight, 100.0)
        strategic = self._template("strategic")
        routine = self._template("routine")
        weight = {
            t: {line.criterion: line.weight for line in t.line_ids}
            for t in (strategic, routine)
        }
        # Strategic leans on stability, routine on price and punctuality.
        self.assertGreater(
            weight[strategic].get("lead_time_std", 0),
            weight[routine].get("lead_time_std", 0),
        )
        self.assertGreater(weight[routine]["price"], weight[strategic]["price"])
        self.assertGreater(weight[routine]["on_time"], weight[strategic]["on_time"])

    def test_weights_must_add_up_to_100(self):
        template = self._template("routine")
        line = template.line_ids[0]
        with self.assertRaises(ValidationError) as cm:
            line.weight += 1
        self.assertRegex(str(cm.exception), "must add up to 100")
        with self.assertRaises(ValidationError) as cm:
            template.line_ids[-1].unlink()
        self.assertRegex(str(cm.exception), "must add up to 100")
        # Moving weight between criteria in one save of the template is fine.
        first, second = template.line_ids[:2]
        template.write(
            {
                "line_ids": [
                    Command.update(first.id, {"weight": first.weight - 5}),
                    Command.update(second.id, {"weight": second.weight + 5}),
                ]
            }
        )
        self.assertAlmostEqual(template.total_weight, 100.0)

    def test_bad_lines_refused(self):
        template = self._template("leverage")
        with self.assertRaises(ValidationError) as cm:
            template.line_ids[0].excellent_value = template.line_ids[0].poor_value
        self.assertRegex(str(cm.exception), "must differ")
        with self.assertRaises(ValidationError):
            self.env["supplier.evaluation.template"].create(
                {
                    "name": "Doubled",
                    "kraljic_class": "strategic",
                    "company_id": self.other_company.id,
                    "line_ids": [
                        Command.create(
                            {
                                "criterion": "price",
                                "weight": 50,
                                "poor_value": 110,
                                "excellent_value": 90,
                            }
                        ),
                        Command.create(
                            {
                                "criterion": "price",
                                "weight": 50,
                                "poor_value": 110,
                                "excellent_value": 90,
                            }
                        ),
                    ],
                }
            )

    def test_form_shows_running_total(self):
        # A company without templates (Other Company's were removed): its manager
        # builds one in the form.
        with Form(
            self.env["supplier.evaluation.template"].with_user(self.other_manager)
        ) as form:
            form.name = "Two criteria"
            form.kraljic_class = "routine"
            with form.line_ids.new() as line:
                line.criterion = "on_time"
                line.weight = 60
            with form.line_ids.new() as line:
                line.criterion = "price"
                line.weight = 40
            self.assertEqual(form.total_weight, 100)
        # The onchange filled in the criterion's default "poor" and "excellent" values.
        created = self.env["supplier.evaluation.template"].search(
            [("name", "=", "Two criteria")]
        )
        self.assertEqual(
            created.line_ids.filtered(
                lambda line: line.criterion == "on_time"
            ).excellent_value,
            98,
        )

    def test_buyer_reads_but_cannot_change_templates(self):
        template = self._template("strategic").with_user(self.buyer)
        self.assertTrue(template.line_ids)
        with self.assertRaises(AccessError):
            template.name = "Mine now"
        with self.assertRaises(AccessError):
            template.line_ids[0].weight = 50

    def test_companies_never_mix(self):
        own = (
            self.env["supplier.evaluation.template"]
            .with_user(self.other_manager)
            .search([])
        )
        self.assertFalse(own.filtered(lambda t: t.company_id == self.company))
        with self.assertRaises(AccessError):
            self._template("strategic").with_user(self.other_manager).read(["name"])
