import datetime

from odoo.tests import tagged

from .common import SupplierEvaluationCase, monthly_card

FEB = datetime.date(2026, 2, 1)
MAR = datetime.date(2026, 3, 1)
APR = datetime.date(2026, 4, 1)


@tagged("post_install", "-at_install")
class TestSupplierDashboards(SupplierEvaluationCase):
    """The supplier dashboard and the Kraljic matrix show the current company's
    latest period, with each supplier's trend and open alerts and actions."""

    OWN_COMPANY = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.strategic, cls.routine = cls.env["res.partner"].create(
            [
                {"name": "Strategic Steel", "is_company": True},
                {"name": "Routine Rivets", "is_company": True},
            ]
        )
        cls.cards = {}
        for partner, kraljic_class, totals in (
            (cls.strategic, "strategic", {FEB: 80.0, MAR: 60.0}),
            (cls.routine, "routine", {MAR: 90.0}),
        ):
            for start, total in totals.items():
                cls.cards[partner, start] = monthly_card(
                    cls.env, cls.company, partner, start, total, kraljic_class
                )
        # Another company scored a later month: it is not this company's latest.
        cls.other_card = monthly_card(
            cls.env, cls.other_company, cls.strategic, APR, 50.0, "strategic"
        )
        rule = cls.env["supplier.alert.rule"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.env["supplier.alert"].create(
            [
                {
                    "partner_id": cls.strategic.id,
                    "company_id": cls.company.id,
                    "rule_id": rule.id,
                },
                {
                    "partner_id": cls.routine.id,
                    "company_id": cls.company.id,
                    "rule_id": rule.id,
                    "state": "closed",
                },
            ]
        )
        cls.env["supplier.corrective.action"].create(
            {
                "partner_id": cls.strategic.id,
                "company_id": cls.company.id,
                "request": "<p>Deliver on time</p>",
            }
        )

    def test_latest_period_of_the_current_company(self):
        Card = self.env["supplier.scorecard"].with_user(self.purchase_manager)
        latest = Card.search([("is_latest_period", "=", True)])
        self.assertEqual(
            latest,
            self.cards[self.strategic, MAR] | self.cards[self.routine, MAR],
        )
        self.assertTrue(latest[0].is_latest_period)
        self.assertFalse(self.cards[self.strategic, FEB].is_latest_period)
        self.assertIn(
            self.cards[self.strategic, FEB],
            Card.search([("is_latest_period", "=", False)]),
        )
        action = self.env.ref("supplier_evaluation.supplier_scorecard_action_dashboard")
        self.assertIn("search_default_latest_period", action.context)

    def test_dashboard_card_figures(self):
        march = self.cards[self.strategic, MAR].with_user(self.buyer)
        self.assertEqual(march.open_alert_count, 1)
        self.assertEqual(march.open_action_count, 1)
        routine = self.cards[self.routine, MAR].with_user(self.buyer)
        self.assertEqual((routine.open_alert_count, routine.open_action_count), (0, 0))
        # The sparkline draws February and March (80 then 60); one period draws none.
        svg = str(march.total_trend_svg)
        self.assertEqual(svg.count("<circle"), 2)
        self.assertIn("2026-02: 80.0", svg)
        self.assertIn("2026-03: 60.0", svg)
        self.assertFalse(routine.total_trend_svg)
        alerts = self.env["supplier.alert"].search(march.action_open_alerts()["domain"])
        # Alert names are worded from the supplier and the rule.
        self.assertEqual(alerts.partner_id, self.strategic)
        self.assertEqual(alerts.state, "open")

    def test_kraljic_matrix_has_the_four_quadrants_in_order(self):
        groups = (
            self.env["supplier.scorecard"]
            .with_user(self.buyer)
            .read_group(
                [("is_latest_period", "=", True)],
                ["spend:sum"],
                ["kraljic_class"],
            )
        )
        self.assertEqual(
            [(g["kraljic_class"], g["kraljic_class_count"]) for g in groups],
            [("strategic", 1), ("leverage", 0), ("bottleneck", 0), ("routine", 1)],
        )
        for xmlid in (
            "supplier_scorecard_view_kanban_dashboard",
            "supplier_scorecard_view_kanban_kraljic",
        ):
            view = self.env.ref(f"supplier_evaluation.{xmlid}")
            arch = (
                self.env["supplier.scorecard"]
                .with_user(self.buyer)
                .get_views([(view.id, "kanban")])["views"]["kanban"]["arch"]
            )
            self.assertIn("grade", arch)
        for xmlid in (
            "supplier_dashboard_menu_suppliers",
            "supplier_dashboard_menu_kraljic",
        ):
            menu = self.env.ref(f"supplier_evaluation.{xmlid}")
            self.assertIn(
                menu.id,
                self.env["ir.ui.menu"].with_user(self.buyer)._visible_menu_ids(),
            )

    def test_criterion_columns_are_wide_enough_and_phones_get_cards(self):
        # The list caps numeric columns narrow and cut "On-time delivery (%)" to
        # "On-time d…": the criterion columns get a width that holds their names.
        Card = self.env["supplier.scorecard"].with_user(self.buyer)
        for xmlid in (
            "supplier_scorecard_view_list",
            "supplier_scorecard_view_list_ranking",
        ):
            view = self.env.ref(f"supplier_evaluation.{xmlid}")
            arch = Card.get_views([(view.id, "list")])["views"]["list"]["arch"]
            for field in (
                "partner_id",
                "on_time_rate",
                "quality_rate",
                "lead_time_avg",
            ):
                self.assertRegex(arch, rf'<field name="{field}" width="\d+px"')
        # On a phone (Odoo opens an action's kanban first there) the scorecards and
        # the ranking show as cards, with whole supplier names.
        for xmlid in (
            "supplier_scorecard_action",
            "supplier_scorecard_action_ranking",
            "supplier_scorecard_action_dashboard",
        ):
            action = self.env.ref(f"supplier_evaluation.{xmlid}")
            self.assertIn("kanban", action.view_mode.split(","))
            self.assertEqual(action.mobile_view_mode, "kanban")
