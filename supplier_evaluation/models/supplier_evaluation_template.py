import numpy as np

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..lib import scoring, whatif
from ..lib.vocabulary import CRITERION_CODES, KRALJIC_CLASSES, RAW_FIELDS


class SupplierEvaluationTemplate(models.Model):
    _name = "supplier.evaluation.template"
    _description = "Supplier Evaluation Template"
    _inherit = ["mail.thread"]
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kraljic_class = fields.Selection(
        KRALJIC_CLASSES,
        required=True,
        tracking=True,
        help="Suppliers of this class are scored with this template.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    line_ids = fields.One2many(
        "supplier.evaluation.template.line", "template_id", string="Criteria", copy=True
    )
    total_weight = fields.Float(compute="_compute_total_weight")
    note = fields.Html(translate=True)
    # A change of criteria is applied as a new version (a new record); the scorecards
    # keep the version they were scored with, the old one is archived.
    version = fields.Integer(default=1, readonly=True, copy=False)
    previous_version_id = fields.Many2one(
        "supplier.evaluation.template",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )

    _sql_constraints = [
        (
            "class_company_uniq",
            # Archived versions keep their class.
            "EXCLUDE (kraljic_class WITH =, company_id WITH =) WHERE (active)",
            "Each Kraljic class has one evaluation template per company.",
        ),
    ]

    @api.depends("name", "version", "active")
    def _compute_display_name(self):
        # A template with versions names its version: the scorecards say which one
        # they were scored with.
        for template in self:
            template.display_name = (
                _(
                    "%(name)s (version %(version)s)",
                    name=template.name,
                    version=template.version,
                )
                if template.version > 1 or not template.active
                else template.name
            )

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for template in self:
            template.total_weight = sum(template.line_ids.mapped("weight"))

    # kraljic_class is always written on create: the check also runs for a template
    # created without lines.
    @api.constrains("line_ids", "kraljic_class")
    def _check_weights(self):
        for template in self:
            if not template.line_ids:
                raise ValidationError(
                    _(
                        "Template “%s” has no criteria: add the criteria its suppliers "
                        "are scored on, with weights adding up to 100.",
                        template.display_name,
                    )
                )
            weights = template.line_ids.mapped("weight")
            if not scoring.check_weights(weights):
                raise ValidationError(
                    _(
                        "The weights of template “%(template)s” add up to %(total)s; they must add up to 100.",  # noqa: E501
                        template=template.display_name,
                        total=round(sum(weights), 2),
                    )
                )
            criteria = template.line_ids.mapped("criterion")
            if len(criteria) != len(set(criteria)):
                raise ValidationError(
                    _("Template “%s” lists a criterion twice.", template.display_name)
                )

    # Lines written through the template are checked together, once, by _check_weights.
    @api.model_create_multi
    def create(self, vals_list):
        return (
            super(
                SupplierEvaluationTemplate,
                self.with_context(supplier_evaluation_batch=True),
            )
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        return super(
            SupplierEvaluationTemplate,
            self.with_context(supplier_evaluation_batch=True),
        ).write(vals)

    def _version_chain(self):
        """This version and every earlier one."""
        self.ensure_one()
        chain, template = self, self.previous_version_id
        while template and template not in chain:
            chain |= template
            template = template.previous_version_id
        return chain

    def _apply_version(self, line_values):
        """A new version of this template with the criteria ``line_values`` (dicts of
        criterion, weight, poor_value, excellent_value); this one is archived and the
        scorecards scored with it keep it. Returns the new version."""
        self.ensure_one()
        if not self.active:
            raise UserError(
                _("“%s” is an earlier version: change the current one.", self.name)
            )
        self.active = False
        self.flush_recordset(["active"])
        new = self.copy(
            {
                "name": self.name,
                "active": True,
                "version": self.version + 1,
                "previous_version_id": self.id,
                "line_ids": [fields.Command.create(vals) for vals in line_values],
            }
        )
        self.message_post(
            body=_("Replaced by version %(version)s.", version=new.version)
        )
        new.message_post(
            body=_(
                "Version %(version)s, replacing version %(old)s.",
                version=new.version,
                old=self.version,
            )
        )
        return new

    def _what_if(self, proposal, period_count, grade_a_min, grade_b_min):
        """Rescore the scorecards of the last ``period_count`` periods scored with this
        template (or an earlier version) with ``proposal`` ({criterion: (weight, poor,
        excellent)}) and the grade bands given, reading the stored raw figures and
        writing nothing.

        Returns a dict of numpy columns, one row per rescored card (card, partner,
        date_from, old/new total and grade, old/new rank among the company's cards of
        its period, rank change, grade changed), and the periods.
        """
        self.ensure_one()
        self.check_access("read")
        criteria = tuple(c for c in CRITERION_CODES if c in proposal)
        if not criteria:
            raise UserError(_("The change has no criteria."))
        weight, poor, excellent = (
            np.array([proposal[c][i] for c in criteria], dtype=float) for i in range(3)
        )
        if not scoring.check_weights(weight):
            raise UserError(
                _(
                    "The weights add up to %s; they must add up to 100.",
                    round(float(weight.sum()), 2),
                )
            )
        if np.any(poor == excellent):
            raise UserError(
                _("“Poor” and “Excellent” must differ for every criterion.")
            )
        if not 0.0 <= grade_b_min < grade_a_min <= 100.0:
            raise UserError(
                _(
                    "The grade bands must satisfy "
                    "0 ≤ minimum for B < minimum for A ≤ 100."
                )
            )
        self.env["supplier.scorecard"].check_access("read")
        self.env.flush_all()
        company = self.company_id
        chain = self._version_chain()
        cards = _fetch_cards(self.env, company, chain.ids, period_count, criteria)
        mine = cards["mine"]
        raw = (
            np.column_stack([cards[c][mine] for c in criteria])
            if mine.any()
            else (np.zeros((0, len(criteria))))
        )
        new_total_mine, new_grade_mine = whatif.rescore(
            raw,
            poor,
            excellent,
            weight,
            cards["has_data"][mine],
            grade_a_min,
            grade_b_min,
        )
        new_total = cards["total"].copy()
        new_total[mine] = new_total_mine
        new_grade = cards["grade"].copy()
        new_grade[mine] = new_grade_mine
        change = whatif.compare(
            cards["date_from"], cards["total"], cards["grade"], new_total, new_grade
        )
        result = {
            "card": cards["id"][mine],
            "partner": cards["partner"][mine],
            "date_from": cards["date_from"][mine],
            "old_total": cards["total"][mine],
            "old_grade": cards["grade"][mine],
            "new_total": new_total_mine,
            "new_grade": new_grade_mine,
            **{
                key: change[key][mine]
                for key in ("old_rank", "new_rank", "rank_change", "grade_changed")
            },
        }
        result["grade_change_count"] = int(result["grade_changed"].sum())
        result["periods"] = np.unique(cards["date_from"]).tolist()
        return result


def _fetch_cards(env, company, template_ids, period_count, criteria):
    """The company's scorecards of its last ``period_count`` periods with a card
    scored with ``template_ids`` ("mine"): every card of those periods is read, for
    the ranks. Numbers come as one float block (NaN for NULL, converted by
    PostgreSQL), so that reading costs little more than the scan itself."""
    env.cr.execute(
        SQL(
            """
        WITH periods AS (
            SELECT DISTINCT date_from FROM supplier_scorecard
             WHERE company_id = %(company)s AND template_id = ANY(%(templates)s)
             ORDER BY date_from DESC LIMIT %(limit)s
        )
        SELECT s.id, s.partner_id, s.date_from - DATE '1970-01-01',
               (s.template_id = ANY(%(templates)s))::int, s.has_data::int,
               COALESCE(s.total_score, 'NaN'), %(raw)s, COALESCE(s.grade, '')
          FROM supplier_scorecard s
         WHERE s.company_id = %(company)s
           AND s.date_from IN (SELECT date_from FROM periods)
        """,
            company=company.id,
            templates=list(template_ids),
            limit=max(int(period_count), 1),
            raw=SQL(", ").join(
                SQL("COALESCE(%s::float8, 'NaN')", SQL.identifier(RAW_FIELDS[c]))
                for c in criteria
            ),
        )
    )
    rows = env.cr.fetchall()
    width = 6 + len(criteria)
    table = np.array(rows, dtype=object).reshape(len(rows), width + 1)
    numbers = table[:, :width].astype(float)
    cards = {
        "id": numbers[:, 0].astype(np.int64),
        "partner": numbers[:, 1].astype(np.int64),
        "date_from": np.datetime64("1970-01-01", "D") + numbers[:, 2].astype(np.int64),
        "mine": numbers[:, 3] > 0,
        "has_data": numbers[:, 4] > 0,
        "total": numbers[:, 5],
        "grade": table[:, width],
    }
    for i, criterion in enumerate(criteria):
        cards[criterion] = numbers[:, 6 + i]
    return cards
