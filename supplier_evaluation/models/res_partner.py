from collections import defaultdict

import numpy as np
from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from .. import engine
from ..lib import charts, kraljic
from ..lib.vocabulary import DEFAULT_KRALJIC_CLASS, EVALUATION_GROUP, KRALJIC_CLASSES

QUALIFICATION_STATES = [
    ("candidate", "Candidate"),
    ("evaluation", "Under evaluation"),
    ("answered", "Answered"),
    ("approved", "Approved"),
    ("conditional", "Conditional"),
    ("refused", "Refused"),
    ("blocked", "Blocked"),
]
# States that let the supplier deliver: they need every certificate its categories
# require.
QUALIFIED_STATES = ("approved", "conditional")
TREND_CHART_PERIODS = 12
MANAGER_FIELDS = {
    "supplier_kraljic_override",
    "supplier_kraljic_reason",
    "supplier_qualification_state",
    "supplier_qualification_conditions",
    "supplier_qualification_review_date",
    "supplier_assessment_score",
    "supplier_assessment_input_id",
}
# Writing these re-checks an approval (its certificates, conditions and review date).
QUALIFICATION_CHECKED = {
    "supplier_qualification_state",
    "supplier_qualification_conditions",
    "supplier_qualification_review_date",
    "supplier_category_ids",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    supplier_kraljic_suggested = fields.Selection(
        KRALJIC_CLASSES,
        "Suggested Kraljic class",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups=EVALUATION_GROUP,
        help="Suggested from the last months of purchases: profit impact is the "
        "supplier's share of spend; supply risk combines its spend on products "
        "with no other vendor and the spread of its lead times.",
    )
    supplier_kraljic_override = fields.Selection(
        KRALJIC_CLASSES,
        "Kraljic class override",
        company_dependent=True,
        copy=False,
        groups=EVALUATION_GROUP,
    )
    supplier_kraljic_reason = fields.Text(
        "Override reason", company_dependent=True, copy=False, groups=EVALUATION_GROUP
    )
    supplier_kraljic_class = fields.Selection(
        KRALJIC_CLASSES,
        "Kraljic class",
        compute="_compute_supplier_kraljic_class",
        search="_search_supplier_kraljic_class",
        groups=EVALUATION_GROUP,
    )
    supplier_qualification_state = fields.Selection(
        QUALIFICATION_STATES,
        "Qualification",
        company_dependent=True,
        copy=False,
        groups=EVALUATION_GROUP,
    )
    supplier_qualification_conditions = fields.Text(
        "Conditions",
        company_dependent=True,
        copy=False,
        groups=EVALUATION_GROUP,
        help="What a conditional approval asks of the supplier.",
    )
    supplier_qualification_review_date = fields.Date(
        "Review date",
        company_dependent=True,
        copy=False,
        groups=EVALUATION_GROUP,
        help="When a conditional approval is reviewed: the approver gets an activity "
        "due that day.",
    )
    supplier_category_ids = fields.Many2many(
        "product.category",
        "res_partner_supplier_category_rel",
        "partner_id",
        "category_id",
        "Categories supplied",
        groups=EVALUATION_GROUP,
        help="With the categories of its vendor pricelines' products: the "
        "certificates these categories require are needed to approve the supplier.",
    )
    supplier_assessment_contact_id = fields.Many2one(
        "res.partner",
        "Questionnaire to",
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('email', '!=', False)]",
        groups=EVALUATION_GROUP,
        help="The supplier's contact who receives the onboarding questionnaire.",
    )
    supplier_assessment_input_id = fields.Many2one(
        "survey.user_input",
        "Onboarding answers",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=EVALUATION_GROUP,
    )
    supplier_assessment_score = fields.Float(
        "Onboarding score (%)",
        company_dependent=True,
        copy=False,
        readonly=True,
        groups=EVALUATION_GROUP,
    )
    supplier_qualification_missing = fields.Text(
        "Missing for approval",
        compute="_compute_supplier_qualification_missing",
        groups=EVALUATION_GROUP,
    )
    supplier_scorecard_count = fields.Integer(
        compute="_compute_supplier_scorecard_stats", groups=EVALUATION_GROUP
    )
    supplier_last_scorecard_id = fields.Many2one(
        "supplier.scorecard",
        "Latest scorecard",
        compute="_compute_supplier_scorecard_stats",
        groups=EVALUATION_GROUP,
    )
    supplier_grade = fields.Selection(
        [("A", "A"), ("B", "B"), ("C", "C")],
        "Current grade",
        compute="_compute_supplier_scorecard_stats",
        groups=EVALUATION_GROUP,
    )
    supplier_evaluation_is_manager = fields.Boolean(
        compute="_compute_supplier_evaluation_is_manager"
    )
    supplier_lead_time_differs_count = fields.Integer(
        "Lead times to review",
        compute="_compute_supplier_lead_time_differs_count",
        groups=EVALUATION_GROUP,
    )
    supplier_trend_chart = fields.Html(
        "Trend",
        compute="_compute_supplier_scorecard_stats",
        sanitize=False,
        groups=EVALUATION_GROUP,
    )

    @api.depends_context("uid")
    def _compute_supplier_evaluation_is_manager(self):
        self.supplier_evaluation_is_manager = self.env.user.has_group(
            "supplier_evaluation.supplier_evaluation_group_manager"
        )

    @api.depends_context("company")
    def _compute_supplier_lead_time_differs_count(self):
        counts = dict(
            self.env["supplier.lead.time"]._read_group(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("company_id", "=", self.env.company.id),
                    ("differs", "=", True),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.supplier_lead_time_differs_count = counts.get(
                partner.commercial_partner_id, 0
            )

    def action_open_supplier_lead_times(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_lead_time_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_differs": 1}
        return action

    @api.depends_context("company")
    def _compute_supplier_qualification_missing(self):
        for partner in self:
            partner.supplier_qualification_missing = (
                partner._supplier_certificate_gaps_text(self.env.company) or False
            )

    def _supplier_categories(self, company):
        """The supplier's categories: its own and those of its pricelines' products in
        ``company``, with their parent categories."""
        self.ensure_one()
        commercial = self.commercial_partner_id.sudo()
        lines = (
            self.env["product.supplierinfo"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", commercial.id),
                    ("company_id", "in", [False, company.id]),
                ]
            )
        )
        categories = commercial.supplier_category_ids | lines.product_tmpl_id.categ_id
        return (
            self.env["product.category"]
            .sudo()
            .browse({int(i) for c in categories for i in c.parent_path.split("/") if i})
        )

    def _supplier_required_certificate_types(self, company):
        """The certificate types the supplier's categories require."""
        categories = self._supplier_categories(company)
        return categories.supplier_required_certificate_type_ids

    def _supplier_certificate_gaps(self, company):
        """(types without any certificate, expired certificates) among the types the
        supplier needs in ``company``. A certificate added from the portal counts once
        a buyer approved it."""
        self.ensure_one()
        required = self._supplier_required_certificate_types(company)
        if not required:
            return required, self.env["supplier.certificate"]
        certificates = (
            self.env["supplier.certificate"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.commercial_partner_id.id),
                    ("company_id", "=", company.id),
                    ("certificate_type_id", "in", required.ids),
                    ("renewal_state", "not in", ("new", "refused")),
                ]
            )
        )
        today = self.env["supplier.scorecard"]._company_today(company)
        valid = certificates.filtered(lambda c: c.expiry_date >= today)
        expired = (certificates - valid).filtered(
            lambda c: c.certificate_type_id not in valid.certificate_type_id
        )
        missing = required - certificates.certificate_type_id
        return missing, expired

    def _supplier_certificate_gaps_text(self, company):
        missing, expired = self._supplier_certificate_gaps(company)
        parts = []
        if missing:
            parts.append(_("missing: %s", ", ".join(missing.mapped("display_name"))))
        if expired:
            # Each one translated on its own line: Odoo's export skips a _() nested
            # in another's arguments.
            expired_texts = [
                _(
                    "%(type)s (on %(date)s)",
                    type=c.certificate_type_id.display_name,
                    date=format_date(self.env, c.expiry_date),
                )
                for c in expired
            ]
            parts.append(_("expired: %s", ", ".join(expired_texts)))
        return "; ".join(parts)

    def _check_supplier_qualification(self):
        """Approving needs every required certificate, valid; a conditional approval
        its conditions and review date. Whatever the entry point."""
        company = self.env.company
        for partner in self:
            state = partner.supplier_qualification_state
            if state not in QUALIFIED_STATES:
                continue
            gaps = partner._supplier_certificate_gaps_text(company)
            if gaps:
                raise ValidationError(
                    _(
                        "%(supplier)s cannot be approved in %(company)s: certificate "
                        "%(gaps)s.",
                        supplier=partner.display_name,
                        company=company.name,
                        gaps=gaps,
                    )
                )
            if state == "conditional" and not (
                (partner.supplier_qualification_conditions or "").strip()
                and partner.supplier_qualification_review_date
            ):
                raise ValidationError(
                    _(
                        "A conditional approval of %s needs its conditions and a "
                        "review date.",
                        partner.display_name,
                    )
                )

    def action_send_supplier_assessment(self):
        """Send the onboarding questionnaire of the supplier's category / Kraljic class
        to its contact (Odoo's survey invitation, answered through the portal link)."""
        self.ensure_one()
        self._check_supplier_manager_fields({"supplier_qualification_state"})
        company = self.env.company
        supplier = self.commercial_partner_id
        contact = self.supplier_assessment_contact_id
        if not contact.email:
            raise UserError(
                _("Choose the contact (with an e-mail) who answers the questionnaire.")
            )
        survey = (
            self.env["supplier.assessment.survey"]
            ._for_partner(supplier, company)
            .sudo()
        )
        if not survey:
            raise UserError(
                _(
                    "No onboarding questionnaire matches %(supplier)s in %(company)s: "
                    "add one under Configuration > Onboarding Questionnaires.",
                    supplier=supplier.display_name,
                    company=company.name,
                )
            )
        # Purchase administrators send the survey without survey rights of their own.
        invite = (
            self.env["survey.invite"]
            .sudo()
            .with_context(
                supplier_assessment_partner_id=supplier.id,
                supplier_assessment_company_id=company.id,
                default_email_layout_xmlid="mail.mail_notification_light",
            )
            .create(
                {
                    "survey_id": survey.id,
                    "partner_ids": [(6, 0, contact.ids)],
                    "template_id": self.env.ref(
                        "survey.mail_template_user_input_invite"
                    ).id,
                }
            )
        )
        invite.action_invite()
        if supplier.supplier_qualification_state in (False, "candidate"):
            supplier.supplier_qualification_state = "evaluation"
        supplier.message_post(
            body=_(
                "Onboarding questionnaire %(survey)s sent to %(contact)s.",
                survey=survey.title,
                contact=contact.display_name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def _supplier_assessment_pending(self, company):
        """The supplier's questionnaire still to answer in ``company`` (sudo)."""
        return (
            self.env["survey.user_input"]
            .sudo()
            .search(
                [
                    ("supplier_partner_id", "=", self.commercial_partner_id.id),
                    ("supplier_company_id", "=", company.id),
                    ("state", "!=", "done"),
                ],
                order="id desc",
                limit=1,
            )
        )

    def _schedule_qualification_review(self):
        """An activity for the approver, due on the review date of a conditional
        approval."""
        for partner in self:
            partner.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=partner.supplier_qualification_review_date,
                summary=_("Review the conditional qualification"),
                note=partner.supplier_qualification_conditions,
                user_id=self.env.uid,
            )

    @api.depends("supplier_kraljic_override", "supplier_kraljic_suggested")
    @api.depends_context("company")
    def _compute_supplier_kraljic_class(self):
        for partner in self:
            partner.supplier_kraljic_class = (
                partner.supplier_kraljic_override or partner.supplier_kraljic_suggested
            )

    def _search_supplier_kraljic_class(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(operator)
        positive = operator in ("=", "in")
        domain = [
            "|",
            (
                "supplier_kraljic_override",
                "in" if positive else "not in",
                value if isinstance(value, list) else [value],
            ),
            "&",
            ("supplier_kraljic_override", "=", False),
            (
                "supplier_kraljic_suggested",
                "in" if positive else "not in",
                value if isinstance(value, list) else [value],
            ),
        ]
        return domain

    @api.depends_context("company")
    def _compute_supplier_scorecard_stats(self):
        cards = self.env["supplier.scorecard"].search(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
            ],
            order="date_from desc, id desc",
        )
        counts, latest, history = defaultdict(int), {}, defaultdict(list)
        for card in cards:
            counts[card.partner_id.id] += 1
            latest.setdefault(card.partner_id.id, card)
            if len(history[card.partner_id.id]) < TREND_CHART_PERIODS:
                history[card.partner_id.id].append(card)
        for partner in self:
            commercial = partner.commercial_partner_id.id
            partner.supplier_scorecard_count = counts[commercial]
            partner.supplier_last_scorecard_id = latest.get(commercial, False)
            partner.supplier_grade = partner.supplier_last_scorecard_id.grade
            partner.supplier_trend_chart = self._supplier_trend_chart(
                history[commercial][::-1]
            )

    def _supplier_trend_chart(self, cards):
        """Sparklines of lead time and on-time delivery over the last scorecards (oldest
        first)."""
        labels = [card.date_from.strftime("%Y-%m") for card in cards]
        lead = charts.sparkline_svg(
            [
                c.lead_time_avg if c.has_data and c.receipt_count else None
                for c in cards
            ],
            labels,
            title=self.env._("Lead time (days)"),
        )
        on_time = charts.sparkline_svg(
            [c.on_time_rate if c.has_data and c.line_count else None for c in cards],
            labels,
            color="#017E84",
            title=self.env._("On-time delivery (%)"),
        )
        if not (lead or on_time):
            return False
        return Markup(
            '<div class="d-flex flex-wrap gap-4"><div>%s<div class="small '
            'text-muted">%s</div></div><div>%s<div class="small '
            'text-muted">%s</div></div></div>'
        ) % (
            Markup(lead),
            self.env._("Lead time (days)"),
            Markup(on_time),
            self.env._("On-time delivery (%)"),
        )

    @api.constrains("supplier_kraljic_override", "supplier_kraljic_reason")
    def _check_kraljic_override_reason(self):
        for partner in self:
            if (
                partner.supplier_kraljic_override
                and not (partner.supplier_kraljic_reason or "").strip()
            ):
                raise ValidationError(
                    _(
                        "Give a reason for overriding the Kraljic class of %s.",
                        partner.display_name,
                    )
                )

    def _check_supplier_manager_fields(self, vals):
        if (
            MANAGER_FIELDS & set(vals)
            and not self.env.su
            and not self.env.user.has_group(
                "supplier_evaluation.supplier_evaluation_group_manager"
            )
        ):
            raise AccessError(
                _(
                    "Only supplier evaluation administrators change a supplier's Kraljic class or qualification."  # noqa: E501
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_supplier_manager_fields(vals)
        partners = super().create(vals_list)
        qualified = partners.filtered(
            lambda p: "supplier_qualification_state" in p._fields
            and p.sudo().supplier_qualification_state in QUALIFIED_STATES
        )
        if qualified:
            qualified._check_supplier_qualification()
        return partners

    def write(self, vals):
        self._check_supplier_manager_fields(vals)
        tracked = [
            name
            for name in ("supplier_qualification_state", "supplier_kraljic_override")
            if name in vals
        ]
        before = (
            {partner: {name: partner[name] for name in tracked} for partner in self}
            if tracked
            else {}
        )
        result = super().write(vals)
        if QUALIFICATION_CHECKED & set(vals):
            self._check_supplier_qualification()
        for partner, old in before.items():
            partner._log_supplier_changes(old)
            if (
                old.get("supplier_qualification_state", "conditional") != "conditional"
                and partner.supplier_qualification_state == "conditional"
            ):
                partner._schedule_qualification_review()
        return result

    def _log_supplier_changes(self, old_values):
        """Chatter history of company-dependent fields (mail tracking does not follow
        them)."""
        lines = []
        for name, old in old_values.items():
            new = self[name]
            if old == new:
                continue
            field = self._fields[name]
            labels = dict(field._description_selection(self.env))
            none = _("None")
            lines.append(
                _(
                    "%(field)s: %(old)s → %(new)s",
                    field=field._description_string(self.env),
                    old=labels.get(old, none),
                    new=labels.get(new, none),
                )
            )
        if not lines:
            return
        if "supplier_kraljic_override" in old_values and self.supplier_kraljic_reason:
            lines.append(_("Reason: %s", self.supplier_kraljic_reason))
        if (
            "supplier_qualification_state" in old_values
            and self.supplier_qualification_state == "conditional"
        ):
            lines.append(_("Conditions: %s", self.supplier_qualification_conditions))
            lines.append(
                _(
                    "Review date: %s",
                    format_date(self.env, self.supplier_qualification_review_date),
                )
            )
        self.message_post(
            body=Markup("<br/>").join([_("In %s:", self.env.company.name), *lines]),
            subtype_xmlid="mail.mt_note",
        )

    def action_open_supplier_scorecards(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "supplier_evaluation.supplier_scorecard_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"search_default_partner_id": self.commercial_partner_id.id}
        return action

    # ------------------------------------------------------------------ Kraljic
    @api.model
    def _update_kraljic_suggestions(self, company):
        """Suggest a Kraljic class for every supplier with spend in the company's
        window."""
        [suggestion] = self._kraljic_suggestions(company, [fields.Datetime.now()])
        partners = self.with_company(company).sudo()
        for kraljic_class in set(suggestion.values()):
            ids = [
                pid
                for pid, suggested in suggestion.items()
                if suggested == kraljic_class
            ]
            partners.browse(ids).write({"supplier_kraljic_suggested": kraljic_class})

    def _supplier_kraljic_classes(self, company, suggestion):
        """The Kraljic class of each partner of ``self``, in order, given ``suggestion``
        {partner id: class}, or today's suggested class when None.

        The manager's override when there is one (it has no date), else the suggestion,
        else routine. (The stored fields are read as they are: the computed
        supplier_kraljic_class costs an ORM compute per partner.)
        """
        partners = self.with_company(company)
        if suggestion is None:
            suggested = partners.mapped("supplier_kraljic_suggested")
        else:
            suggested = [suggestion.get(partner_id) for partner_id in partners.ids]
        return np.array(
            [
                override or suggested_class or DEFAULT_KRALJIC_CLASS
                for override, suggested_class in zip(
                    partners.mapped("supplier_kraljic_override"), suggested, strict=True
                )
            ],
            dtype=object,
        )

    @api.model
    def _kraljic_suggestions(self, company, as_of_dates):
        """{partner id: suggested class} as of each of ``as_of_dates`` (naive UTC), in
        one read.

        As of a date, the suppliers with spend in the window of orders approved in the
        company's Kraljic window before it are classed; receipts after that date do not
        count. The orders of every window are read at once, summed per stretch between
        window bounds, and each window adds up its stretches (a back-fill of many
        periods reads the history once).
        """
        self.env.flush_all()
        window = relativedelta(months=company.supplier_kraljic_window)
        edges = sorted(
            {bound for as_of in as_of_dates for bound in (as_of - window, as_of)}
        )
        # One read of every line and receipt of the windows (two years for a
        # back-fill of one): JIT compilation and sorts spilled to disk cost seconds.
        with engine.reading_settings(self.env):
            self.env.cr.execute(
                SQL(
                    """
            WITH vendors AS (  -- how many distinct suppliers each product template has
                SELECT si.product_tmpl_id,
                    COUNT(DISTINCT p.commercial_partner_id) AS vendor_count
                  FROM product_supplierinfo si
                  JOIN res_partner p ON p.id = si.partner_id
                 WHERE si.company_id IS NULL OR si.company_id = %(company)s
                 GROUP BY si.product_tmpl_id
            -- stretch: width_bucket(t, edges) = i when edges[i] <= t < edges[i + 1]
            ), lines AS (
                SELECT p.commercial_partner_id AS partner, pp.product_tmpl_id,
                       l.price_subtotal / COALESCE(NULLIF(o.currency_rate, 0), 1)
                           AS spend, l.id, o.date_approve,
                       width_bucket(o.date_approve, %(edges)s::timestamp[]) AS stretch
                  FROM purchase_order_line l
                  JOIN purchase_order o ON o.id = l.order_id
                  JOIN res_partner p ON p.id = o.partner_id
                  JOIN product_product pp ON pp.id = l.product_id
                 WHERE o.company_id = %(company)s AND o.state IN ('purchase', 'done')
                   AND o.date_approve >= %(first)s AND o.date_approve < %(last)s
                       AND l.display_type IS NULL
            -- lines already carry their order's approval date: no second join
            ), lead AS (
                SELECT lines.partner, lines.stretch,
                    width_bucket(m.date, %(edges)s::timestamp[]) AS received,
                       EXTRACT(EPOCH FROM (m.date - lines.date_approve)) AS seconds
                  FROM lines
                  JOIN stock_move m ON m.purchase_line_id = lines.id
                      AND m.state = 'done' AND m.date < %(last)s
                  JOIN stock_location src ON src.id = m.location_id
                      AND src.usage = 'supplier'
            )
            SELECT TRUE, lines.partner, lines.stretch, 0, SUM(lines.spend)::float8,
                   COALESCE(SUM(lines.spend) FILTER (WHERE COALESCE(v.vendor_count,
                       0) <= 1), 0)::float8, 0
              FROM lines
              LEFT JOIN vendors v ON v.product_tmpl_id = lines.product_tmpl_id
             GROUP BY lines.partner, lines.stretch
             UNION ALL
            -- exact sums of seconds, in days once per group (not once per receipt)
            SELECT FALSE, partner, stretch, received, COUNT(*),
                (SUM(seconds) / 86400)::float8,
                (SUM(seconds * seconds) / (86400.0 * 86400.0))::float8
              FROM lead
             GROUP BY partner, stretch, received
            """,
                    company=company.id,
                    edges=edges,
                    first=edges[0],
                    last=edges[-1],
                )
            )
            rows = self.env.cr.fetchall()
        is_spend = np.array([r[0] for r in rows], dtype=bool)
        partner, stretch, received = (
            np.array([r[i] for r in rows], dtype=np.int64).reshape(-1)
            for i in (1, 2, 3)
        )
        a, b, c = (
            np.array([r[i] for r in rows], dtype=float).reshape(-1) for i in (4, 5, 6)
        )
        result = []
        for as_of in as_of_dates:
            # Orders approved in [as_of - window, as_of): stretches first + 1 .. last
            # (1-based).
            first, last = edges.index(as_of - window) + 1, edges.index(as_of)
            in_window = (stretch >= first) & (stretch <= last)
            spend_rows = is_spend & in_window
            partner_ids, group = np.unique(partner[spend_rows], return_inverse=True)
            if not len(partner_ids):
                result.append({})
                continue
            spend = np.bincount(
                group, weights=a[spend_rows], minlength=len(partner_ids)
            )
            single = np.bincount(
                group, weights=b[spend_rows], minlength=len(partner_ids)
            )
            # Lead-time spread (std / mean, population) of the receipts done before
            # ``as_of``.
            lead_rows = ~is_spend & in_window & (received <= last)
            lead_group = np.searchsorted(partner_ids, partner[lead_rows])
            count = np.bincount(
                lead_group, weights=a[lead_rows], minlength=len(partner_ids)
            )
            total_days = np.bincount(
                lead_group, weights=b[lead_rows], minlength=len(partner_ids)
            )
            total_square = np.bincount(
                lead_group, weights=c[lead_rows], minlength=len(partner_ids)
            )
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(count > 0, total_days / count, np.nan)
                std = np.sqrt(np.maximum(total_square / count - mean**2, 0.0))
                cv = np.where(mean != 0, std / mean, np.nan)
                single_share = np.where(
                    spend > 0, single / np.where(spend > 0, spend, 1), 0.0
                )
            total = spend.sum()
            share = spend / total if total > 0 else np.zeros_like(spend)
            risk = kraljic.supply_risk(single_share, cv)
            suggested = kraljic.suggest(
                share,
                risk,
                company.supplier_impact_threshold,
                company.supplier_risk_threshold,
            )
            result.append(
                dict(zip(partner_ids.tolist(), suggested.tolist(), strict=False))
            )
        return result
