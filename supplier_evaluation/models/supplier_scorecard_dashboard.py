from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..lib import charts

# Scorecards drawn in a dashboard card's sparkline, the card's own included.
DASHBOARD_TREND_PERIODS = 6


# The dashboards' fields, kept apart from the scoring engine as the analysis ones are.
class SupplierScorecard(models.Model):
    _inherit = "supplier.scorecard"  # pylint: disable=consider-merging-classes-inherited

    # All four quadrants show in the Kraljic matrix, in the selection's order
    # (strategic, leverage, bottleneck, routine), also when one is empty.
    kraljic_class = fields.Selection(group_expand=True)
    is_latest_period = fields.Boolean(
        "Latest period",
        compute="_compute_is_latest_period",
        search="_search_is_latest_period",
        help="The last period scored in the current company.",
    )
    open_action_count = fields.Integer(
        "Open corrective action count", compute="_compute_open_counts"
    )
    open_alert_count = fields.Integer("Open alerts", compute="_compute_open_counts")
    total_trend_svg = fields.Html(
        "Total score trend",
        compute="_compute_total_trend_svg",
        sanitize=False,
        help="Total score over the supplier's last scorecards, up to this one.",
    )

    def _latest_period_start(self, company):
        """First day of the last period scored in ``company`` (with its current period
        type), or None."""
        last = self.search(
            [
                ("company_id", "=", company.id),
                ("period_type", "=", company.supplier_period_type),
            ],
            order="date_from desc",
            limit=1,
        )
        return last.date_from or None

    @api.depends("company_id", "date_from", "period_type")
    def _compute_is_latest_period(self):
        latest = {
            company: self._latest_period_start(company) for company in self.company_id
        }
        for card in self:
            card.is_latest_period = (
                card.period_type == card.company_id.supplier_period_type
                and card.date_from == latest.get(card.company_id)
            )

    def _search_is_latest_period(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._("Search the latest period with = True or False.")
            )
        # The current company's own cards only: a dashboard never mixes companies.
        company = self.env.company
        start = self._latest_period_start(company)
        domain = [
            "&",
            "&",
            ("company_id", "=", company.id),
            ("period_type", "=", company.supplier_period_type),
            ("date_from", "=", start),
        ]
        if start is None:
            domain = [("id", "=", False)]
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    @api.depends("partner_id", "company_id")
    def _compute_open_counts(self):
        alerts = self.env["supplier.alert"]._read_group(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
                ("state", "=", "open"),
            ],
            ["partner_id", "company_id"],
            ["__count"],
        )
        alert_counts = {
            (partner.id, company.id): count for partner, company, count in alerts
        }
        for card in self:
            card.open_action_count = len(card.open_action_ids)
            card.open_alert_count = alert_counts.get(
                (card.partner_id.id, card.company_id.id), 0
            )

    @api.depends("partner_id", "company_id", "date_from", "total_score")
    def _compute_total_trend_svg(self):
        history = defaultdict(list)
        if self.ids:
            cards = self.search(
                [
                    ("partner_id", "in", self.partner_id.ids),
                    ("company_id", "in", self.company_id.ids),
                    ("date_from", "<=", max(self.mapped("date_from"))),
                ],
                order="date_from asc, id asc",
            )
            for card in cards:
                history[card.partner_id.id, card.company_id.id].append(card)
        for card in self:
            past = [
                c
                for c in history[card.partner_id.id, card.company_id.id]
                if c.period_type == card.period_type and c.date_from <= card.date_from
            ][-DASHBOARD_TREND_PERIODS:]
            svg = charts.sparkline_svg(
                [c.total_score if c.has_data else None for c in past],
                [c.date_from.strftime("%Y-%m") for c in past],
                width=160,
                height=36,
                title=self.env._("Total score, last periods"),
                fluid=True,
            )
            card.total_trend_svg = Markup(svg) if svg else False

    def action_open_alerts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_alert_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        return action

    def action_open_corrective_actions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_corrective_action_action"
        )
        action["domain"] = [("id", "in", self.open_action_ids.ids)]
        return action
