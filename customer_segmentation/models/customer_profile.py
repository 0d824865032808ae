import datetime

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.sql import table_exists

from ..lib import engine as lib_engine
from ..lib import explain
from ..lib.vocabulary import TIER_SELECTION as TIERS
from ..lib.vocabulary import pin_is_active


class CustomerProfile(models.Model):
    """Current segmentation figures of a customer (commercial partner) in a company.

    Written in bulk by ``customer.segmentation.run``; managers edit only the pin.
    """

    _name = "customer.profile"
    _description = "Customer Segmentation Profile"
    _order = "rank, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    # Written in bulk by the run: run_date and changed_date say when; pins are logged on
    # the customer.
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        readonly=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True
    )  # indexed by partner_company_uniq
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    # Figures over the analysis window
    last_order_date = fields.Date(readonly=True)
    # Derived, not stored: the days since the last order grow for every customer every
    # night, the last order date does not.
    recency_days = fields.Integer(
        "Recency (days)",
        compute="_compute_recency_days",
        search="_search_recency_days",
        help="Days from the last order to the day of the company's last run.",
    )
    frequency = fields.Integer("Orders", readonly=True)
    monetary = fields.Monetary(
        "Revenue",
        readonly=True,
        currency_field="currency_id",
        help="Untaxed confirmed orders in the window, in company currency, less credit "
        "notes.",
    )
    margin = fields.Monetary(readonly=True, currency_field="currency_id")
    margin_known = fields.Boolean(readonly=True)
    average_order_value = fields.Monetary(
        readonly=True, currency_field="currency_id", aggregator="avg"
    )
    payment_days = fields.Float(
        "Days to pay vs due date",
        compute="_compute_payment_days",
        help="Average days between due date and payment; negative is early. An "
        "invoice still unpaid counts until the day of the company's last run.",
    )
    # What payment_days is derived from: an overdue invoice's days grow every
    # night, so they are stored as of day 0 (lib/engine.payment_days).
    payment_day_sum = fields.Float(readonly=True)
    overdue_count = fields.Integer(
        "Overdue invoices",
        readonly=True,
        help="Invoices past due and unpaid on the day of the company's last run.",
    )
    late_share = fields.Float("Paid late (%)", readonly=True, aggregator="avg")
    invoice_count = fields.Integer("Invoices", readonly=True)

    # Scores and segment
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    rfm_code = fields.Char(
        "RFM",
        compute="_compute_rfm_code",
        help="Recency, frequency and monetary scores, 5 = best: R5 bought most "
        "recently, F5 most often, M5 spent most.",
    )
    segment_id = fields.Many2one("customer.segment", readonly=True)

    # Tier
    tier = fields.Selection(TIERS, readonly=True)
    tier_computed = fields.Selection(TIERS, "Tier from figures", readonly=True)
    tier_below_count = fields.Integer("Runs below tier", readonly=True)
    rank = fields.Integer(readonly=True, aggregator="min")
    share = fields.Float("Share of basis (%)", readonly=True, aggregator="sum")
    cumulative_share = fields.Float(
        "Cumulative share (%)", readonly=True, aggregator="max"
    )
    decile = fields.Integer(
        "Customer decile",
        readonly=True,
        aggregator=None,
        help="1 = the 10% of customers with the highest tier basis.",
    )
    tier_reason = fields.Char(compute="_compute_tier_reason")
    pin_tier = fields.Selection(TIERS, "Pinned tier")
    pin_reason = fields.Char("Pin reason")
    pin_expiry = fields.Date("Pin until")

    # Predictions (BG/NBD + Gamma-Gamma) and cluster; empty when the models could not be
    # fitted
    probability_alive = fields.Float(
        "Probability still active (%)", readonly=True, aggregator="avg"
    )
    expected_purchases = fields.Float(
        "Expected purchases (horizon)", readonly=True, aggregator="sum"
    )
    expected_order_value = fields.Monetary(
        readonly=True, currency_field="currency_id", aggregator="avg"
    )
    lifetime_value = fields.Monetary(
        "Lifetime value (horizon)",
        readonly=True,
        currency_field="currency_id",
        aggregator="sum",
        help="Discounted at the annual rate set in the settings.",
    )
    lifetime_value_reason = fields.Char(
        "Why this lifetime value", compute="_compute_lifetime_value_reason"
    )
    cluster_index = fields.Integer("Cluster number", readonly=True, aggregator=None)
    # The cluster's traits as a code ("frequency+,monetary+", see lib/clusters.
    # trait_codes): stored, grouped by, worded in the reader's language.
    cluster_code = fields.Selection(
        selection="_cluster_code_selection",
        string="Cluster group",
        readonly=True,
        help="What sets the customer's cluster apart: the traits of its centre that "
        "differ most from the average customer.",
    )
    cluster_description = fields.Char(
        "Cluster",
        compute="_compute_cluster_description",
        help="What sets the customer's cluster apart: the traits of its centre that "
        "differ most from the average customer.",
    )
    # Read, not stored: the segment's pairs (customer.crosssell.rule) of the products
    # the customer bought in the window, best first.
    crosssell_ids = fields.Many2many(
        "customer.crosssell.rule",
        string="Suggestions",
        compute="_compute_crosssell_ids",
        help="Products the customer's segment buys with what the customer buys and "
        "the customer never bought in the window, best first.",
    )

    previous_segment_id = fields.Many2one("customer.segment", readonly=True)
    previous_tier = fields.Selection(TIERS, readonly=True)
    changed_date = fields.Date(
        "Changed on", readonly=True, help="Last run that changed the segment or tier."
    )
    run_date = fields.Date(
        "Last run", readonly=True, help="Last run that changed the figures."
    )
    moved_down = fields.Boolean(
        "Moved down",
        readonly=True,
        help="The last run moved it from a watched to an alert segment, or to a lower "
        "tier.",
    )
    # Hysteresis counter as it was before the last run's day, so a second run that day
    # repeats it.
    base_below = fields.Integer(readonly=True)

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(company_id, partner_id)",
            "A customer has one profile per company.",
        ),
    ]

    @api.depends(
        "tier",
        "tier_computed",
        "rank",
        "share",
        "cumulative_share",
        "pin_tier",
        "pin_expiry",
    )
    @api.depends_context("lang")
    def _compute_tier_reason(self):
        today = fields.Date.context_today(self)
        for profile in self:
            company = profile.company_id
            basis = (
                dict(
                    company._fields["customer_tier_basis"]._description_selection(
                        self.env
                    )
                )
                .get(company.customer_tier_basis, "")
                .lower()
            )
            if pin_is_active(profile.pin_tier, profile.pin_expiry, today):
                profile.tier_reason = _("pinned: %s", profile.pin_reason or "")
            elif not profile.rank:
                profile.tier_reason = False
            elif profile.tier != profile.tier_computed:
                profile.tier_reason = _(
                    "kept for now: figures say %(tier)s (rank %(rank)s, %(share).1f%% of %(basis)s)",  # noqa: E501
                    tier=dict(TIERS)[profile.tier_computed]
                    if profile.tier_computed
                    else "",
                    rank=profile.rank,
                    share=profile.share,
                    basis=basis,
                )
            else:
                cut = {
                    "strategic": company.customer_strategic_cut,
                    "key": company.customer_key_cut,
                }.get(profile.tier)
                head = (
                    _("top %(cut)s%% of %(basis)s", cut=round(cut * 100), basis=basis)
                    if cut
                    else _("long tail")
                )
                profile.tier_reason = _(
                    "%(head)s: %(share).1f%% of %(basis)s, rank %(rank)s",
                    head=head,
                    share=profile.share,
                    basis=basis,
                    rank=profile.rank,
                )

    def _companies_as_of(self, companies):
        """{company id: the day of its last run (today when none)}."""
        today = fields.Date.context_today(self)
        rows = (
            self.env["customer.segmentation.run"]
            .sudo()
            ._read_group(
                [("company_id", "in", companies.ids)], ["company_id"], ["date:max"]
            )
        )
        as_of = {company.id: day for company, day in rows}
        return {company.id: as_of.get(company.id) or today for company in companies}

    @api.depends("last_order_date", "company_id")
    def _compute_recency_days(self):
        as_of = self._companies_as_of(self.company_id)
        for profile in self:
            last = profile.last_order_date
            profile.recency_days = (
                (as_of[profile.company_id.id] - last).days if last else 0
            )

    @api.depends("payment_day_sum", "overdue_count", "invoice_count", "company_id")
    def _compute_payment_days(self):
        as_of = self._companies_as_of(self.company_id)
        for profile in self:
            profile.payment_days = (
                float(
                    lib_engine.payment_days(
                        profile.payment_day_sum,
                        profile.overdue_count,
                        profile.invoice_count,
                        as_of[profile.company_id.id],
                    )
                )
                if profile.invoice_count
                else 0.0
            )

    def _search_recency_days(self, operator, value):
        """Recency compared in days is the last order date compared the other way
        round, per company (each company's last run is its day)."""
        flipped = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "!=": "!="}
        if operator not in flipped or not isinstance(value, int | float):
            raise UserError(self.env._("Recency is searched by a number of days."))
        companies = self.env["res.company"].sudo().search([])
        as_of = self._companies_as_of(companies)
        days = int(value)
        domain = [("id", "=", False)]
        for company_id, day in as_of.items():
            boundary = day - datetime.timedelta(days=days)
            domain = expression.OR(
                [
                    domain,
                    [
                        ("company_id", "=", company_id),
                        ("last_order_date", flipped[operator], boundary),
                    ],
                ]
            )
        return domain

    @api.depends("segment_id", "run_date")
    def _compute_crosssell_ids(self):
        Rule = self.env["customer.crosssell.rule"]
        found = {}
        profiles = self.filtered("id")
        as_of = self._companies_as_of(profiles.company_id)
        for company in profiles.company_id:
            mine = profiles.filtered(lambda p, c=company: p.company_id == c)
            found.update(mine._crosssell_suggestions(company, as_of[company.id]))
        for profile in self:
            profile.crosssell_ids = Rule.browse(found.get(profile.id, []))

    def _crosssell_suggestions(self, company, as_of):
        """{profile id: rule ids, best first}: for each product the customer bought in
        the window of the company's last run, its segment's pairs with a product the
        customer never bought there; per product suggested its best pair (confidence,
        then lift, then the first product bought), the company's number of
        suggestions per customer. One query, by index from the profiles."""
        period = company._customer_period(as_of)
        self.env.cr.execute(
            SQL(
                """
            WITH basket AS (
                SELECT DISTINCT c.id AS profile, c.segment_id, l.product_id
                  FROM customer_profile c
                  JOIN res_partner p ON p.commercial_partner_id = c.partner_id
                  JOIN sale_order o ON o.partner_id = p.id
                      AND o.company_id = c.company_id
                  JOIN sale_order_line l ON l.order_id = o.id
                 WHERE c.id = ANY(%(profiles)s) AND c.segment_id IS NOT NULL
                   AND o.state = 'sale'
                   AND o.date_order >= %(start)s AND o.date_order < %(end)s
                   AND l.product_id IS NOT NULL AND l.display_type IS NULL
                   AND l.product_uom_qty > 0
            ), best AS (
                SELECT DISTINCT ON (b.profile, r.product_b_id) b.profile, r.id,
                       r.confidence, r.lift, r.product_b_id
                  FROM basket b
                  JOIN customer_crosssell_rule r ON r.company_id = %(company)s
                       AND r.segment_id = b.segment_id
                       AND r.product_a_id = b.product_id
                 WHERE NOT EXISTS (SELECT 1 FROM basket own
                                    WHERE own.profile = b.profile
                                      AND own.product_id = r.product_b_id)
                 ORDER BY b.profile, r.product_b_id, r.confidence DESC, r.lift DESC,
                          r.product_a_id
            )
            SELECT profile, array_agg(id ORDER BY rank)
              FROM (SELECT profile, id, row_number() OVER (PARTITION BY profile
                               ORDER BY confidence DESC, lift DESC, product_b_id)
                               AS rank
                      FROM best) ranked
             WHERE rank <= %(top_n)s
             GROUP BY profile
            """,
                profiles=self.ids,
                company=company.id,
                start=period["start"],
                end=period["end"],
                top_n=company.customer_crosssell_top_n,
            )
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _cluster_code_selection(self):
        """The clusters of the stored profiles, worded: the labels of a group by."""
        if not table_exists(self.env.cr, self._table):  # installing
            return []
        self.env.cr.execute(
            "SELECT DISTINCT cluster_code FROM customer_profile "
            "WHERE cluster_code IS NOT NULL ORDER BY cluster_code"
        )
        return [(code, self._cluster_words(code)) for (code,) in self.env.cr.fetchall()]

    def _cluster_words(self, code):
        """A cluster code ("frequency+,monetary+#2") in the reader's language."""
        if not code:
            return False
        words = {
            "recency_days+": self.env._("lapsed"),
            "recency_days-": self.env._("recent"),
            "frequency+": self.env._("frequent"),
            "frequency-": self.env._("rare"),
            "monetary+": self.env._("high value"),
            "monetary-": self.env._("low value"),
            "margin_share+": self.env._("high margin"),
            "margin_share-": self.env._("low margin"),
            "payment_days+": self.env._("pays late"),
            "payment_days-": self.env._("pays early"),
        }
        traits, _sep, repeat = code.partition("#")
        if traits == "average":
            text = self.env._("average")
        else:
            # The list separator is translated too: Chinese lists take 、 not ", ".
            first, *others = (words.get(trait, trait) for trait in traits.split(","))
            text = first
            for other in others:
                text = self.env._("%(list)s, %(item)s", list=text, item=other)
        return f"{text} ({repeat})" if repeat else text

    @api.depends("cluster_code")
    @api.depends_context("lang")
    def _compute_cluster_description(self):
        for profile in self:
            profile.cluster_description = self._cluster_words(profile.cluster_code)

    @api.depends("r_score", "f_score", "m_score")
    def _compute_rfm_code(self):
        for profile in self:
            scores = (profile.r_score, profile.f_score, profile.m_score)
            profile.rfm_code = (
                _("R%(r)s F%(f)s M%(m)s", r=scores[0], f=scores[1], m=scores[2])
                if any(scores)
                else False
            )

    @api.depends(
        "probability_alive",
        "expected_purchases",
        "expected_order_value",
        "lifetime_value",
        "recency_days",
        "frequency",
        "company_id.customer_clv_horizon_months",
        "company_id.customer_clv_discount_rate",
    )
    @api.depends_context("lang")
    def _compute_lifetime_value_reason(self):
        statuses = {
            "active": _("Probably active"),
            "lapsing": _("May be lapsing"),
            "inactive": _("Probably inactive"),
        }
        for profile in self:
            # P(alive) is never 0 once predicted: 0 is an empty column.
            if not profile.probability_alive:
                profile.lifetime_value_reason = False
                continue
            company = profile.company_id
            months = explain.months_between(profile.recency_days)
            last = (
                _("last order %s months ago", months)
                if months >= 1
                else _("last order %s days ago", profile.recency_days)
            )
            profile.lifetime_value_reason = _(
                "%(status)s (P(alive) %(alive)s %%): %(last)s after %(orders)s "
                "orders in the window → expected %(purchases)s orders in the next "
                "%(horizon)s months × %(value)s per order, discounted at %(rate)s %% a "
                "year = %(ltv)s",
                status=statuses[explain.activity_status(profile.probability_alive)],
                alive=explain.small_figure(profile.probability_alive),
                last=last,
                orders=profile.frequency,
                purchases=explain.small_figure(profile.expected_purchases, 2),
                horizon=company.customer_clv_horizon_months,
                value=format_amount(
                    self.env, profile.expected_order_value, profile.currency_id
                ),
                rate=explain.percent(company.customer_clv_discount_rate),
                ltv=format_amount(
                    self.env, profile.lifetime_value, profile.currency_id
                ),
            )

    def _partners_action(self, name, model, context):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }

    def action_schedule_activity(self):
        """Schedule one activity on each selected customer (Odoo's batch wizard)."""
        partners = self.partner_id
        return self._partners_action(
            _("Schedule an activity for %s customers", len(partners)),
            "mail.activity.schedule",
            # The wizard reads its records from the active ones.
            {"active_model": "res.partner", "active_ids": partners.ids},
        )

    def action_send_email(self):
        """One e-mail to each selected customer (the composer in mass mode)."""
        partners = self.partner_id
        return self._partners_action(
            _("E-mail %s customers", len(partners)),
            "mail.compose.message",
            {
                "default_model": "res.partner",
                "default_res_ids": repr(partners.ids),
                "default_composition_mode": "mass_mail",
            },
        )

    @api.constrains("pin_tier", "pin_reason")
    def _check_pin_reason(self):
        for profile in self:
            if profile.pin_tier and not (profile.pin_reason or "").strip():
                raise ValidationError(
                    _(
                        "Say why the tier of %s is pinned.",
                        profile.partner_id.display_name,
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if {"pin_tier", "pin_reason", "pin_expiry"} & set(vals):
            self._log_pins()
        if {"pin_tier", "pin_expiry"} & set(vals):
            self._apply_pins()
        return result

    def _log_pins(self):
        """Who pinned what and when goes to the customer's chatter (profiles keep no
        write log)."""
        tiers = dict(self._fields["pin_tier"]._description_selection(self.env))
        for profile in self:
            if profile.pin_tier:
                body = _(
                    "Tier pinned to %(tier)s in %(company)s until %(expiry)s: %(reason)s",  # noqa: E501
                    tier=tiers[profile.pin_tier],
                    company=profile.company_id.name,
                    expiry=format_date(self.env, profile.pin_expiry)
                    if profile.pin_expiry
                    else _("further notice"),
                    reason=profile.pin_reason,
                )
            else:
                body = _("Tier pin removed in %s.", profile.company_id.name)
            profile.partner_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    # Not an override: super() writes the tier past this model's own write().
    def _apply_pins(self):  # pylint: disable=missing-return
        """The effective tier: a pin until it expires, otherwise the tier from
        figures."""
        today = fields.Date.context_today(self)
        for profile in self:
            pinned = pin_is_active(profile.pin_tier, profile.pin_expiry, today)
            tier = (
                profile.pin_tier if pinned else (profile.tier_computed or profile.tier)
            )
            if tier != profile.tier:
                super(CustomerProfile, profile).write({"tier": tier})
