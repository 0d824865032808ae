import numpy as np
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import charts, whatif

# Cards listed in the preview's table (the largest changes of the latest period).
PREVIEW_ROWS = 50


class SupplierTemplateWhatif(models.TransientModel):
    _name = "supplier.template.whatif"
    _description = "Preview a Change of Evaluation Template"

    template_id = fields.Many2one(
        "supplier.evaluation.template", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="template_id.company_id")
    period_count = fields.Integer("Last periods", default=6, required=True)
    grade_a_min = fields.Float(
        "Minimum for A",
        required=True,
        default=lambda self: self.env.company.supplier_grade_a_min,
    )
    grade_b_min = fields.Float(
        "Minimum for B",
        required=True,
        default=lambda self: self.env.company.supplier_grade_b_min,
    )
    line_ids = fields.One2many(
        "supplier.template.whatif.line", "wizard_id", string="Criteria"
    )
    total_weight = fields.Float(compute="_compute_total_weight")
    card_count = fields.Integer("Scorecards rescored", compute="_compute_preview")
    grade_change_count = fields.Integer(
        "Scorecards changing grade", compute="_compute_preview"
    )
    preview_html = fields.Html("Preview", compute="_compute_preview", sanitize=False)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        template = self.env["supplier.evaluation.template"].browse(
            values.get("template_id") or self.env.context.get("active_id")
        )
        if template and "line_ids" in fields_list:
            values["template_id"] = template.id
            values["line_ids"] = [
                fields.Command.create(
                    {
                        "criterion": line.criterion,
                        "weight": line.weight,
                        "poor_value": line.poor_value,
                        "excellent_value": line.excellent_value,
                    }
                )
                for line in template.line_ids
            ]
        if template:
            values.setdefault("grade_a_min", template.company_id.supplier_grade_a_min)
            values.setdefault("grade_b_min", template.company_id.supplier_grade_b_min)
        return values

    @api.depends("line_ids.weight")
    def _compute_total_weight(self):
        for wizard in self:
            wizard.total_weight = sum(wizard.line_ids.mapped("weight"))

    def _proposal(self):
        criteria = self.line_ids.mapped("criterion")
        if len(criteria) != len(set(criteria)):
            raise UserError(_("The change lists a criterion twice."))
        return {
            line.criterion: (line.weight, line.poor_value, line.excellent_value)
            for line in self.line_ids
        }

    @api.depends(
        "template_id",
        "period_count",
        "grade_a_min",
        "grade_b_min",
        "line_ids.criterion",
        "line_ids.weight",
        "line_ids.poor_value",
        "line_ids.excellent_value",
    )
    def _compute_preview(self):
        for wizard in self:
            wizard.card_count = wizard.grade_change_count = 0
            wizard.preview_html = False
            if not wizard.template_id or not wizard.line_ids:
                continue
            try:
                result = wizard.template_id._what_if(
                    wizard._proposal(),
                    wizard.period_count,
                    wizard.grade_a_min,
                    wizard.grade_b_min,
                )
            except UserError as error:
                wizard.preview_html = Markup(
                    '<div class="alert alert-warning" role="alert">%s</div>'
                ) % str(error)
                continue
            wizard.card_count = len(result["card"])
            wizard.grade_change_count = result["grade_change_count"]
            wizard.preview_html = wizard._preview_html(result)

    def _preview_html(self, result):
        """The graph of grades before and after, and the largest changes of the latest
        period, per supplier."""
        if not len(result["card"]):
            return Markup('<p class="text-muted">%s</p>') % _(
                "No scorecard was scored with this template in these periods."
            )
        before = whatif.grade_counts(result["old_grade"])
        after = whatif.grade_counts(result["new_grade"])
        graph = charts.grouped_bars_svg(
            ["A", "B", "C"],
            [before, after],
            ["#adb5bd", "#714B67"],
            title=_("Scorecards per grade, now and with the change"),
        )
        latest = result["date_from"] == np.datetime64(result["periods"][-1], "D")
        rows = np.flatnonzero(latest)
        delta = np.nan_to_num(result["new_total"][rows] - result["old_total"][rows])
        rows = rows[np.argsort(-np.abs(delta), kind="stable")][:PREVIEW_ROWS]
        partners = self.env["res.partner"].browse(result["partner"][rows].tolist())
        names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))

        def number(value):
            return "" if np.isnan(value) else f"{value:.1f}"

        body = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td><td>%s</td>"
                "<td class='text-end'>%s</td><td>%s</td>"
                "<td class='text-end'>%s</td></tr>"
            )
            % (
                names[result["partner"][i]],
                number(result["old_total"][i]),
                result["old_grade"][i],
                number(result["new_total"][i]),
                result["new_grade"][i],
                f"{result['rank_change'][i]:+d}" if result["rank_change"][i] else "",
            )
            for i in rows.tolist()
        )
        summary = _(
            "%(changed)s of %(cards)s scorecards of the last %(periods)s periods "
            "change grade. Grades now: A %(a0)s, B %(b0)s, C %(c0)s; with the change: "
            "A %(a1)s, B %(b1)s, C %(c1)s.",
            changed=result["grade_change_count"],
            cards=len(result["card"]),
            periods=len(result["periods"]),
            a0=before[0],
            b0=before[1],
            c0=before[2],
            a1=after[0],
            b1=after[1],
            c1=after[2],
        )
        return Markup(
            "<p>%s</p>%s<h5 class='mt-3'>%s</h5><table class='table table-sm'>"
            "<thead><tr><th>%s</th><th class='text-end'>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th><th>%s</th><th class='text-end'>%s</th></tr>"
            "</thead><tbody>%s</tbody></table>"
        ) % (
            summary,
            Markup(graph),
            _("Largest changes of the latest period (%s)", result["periods"][-1]),
            _("Supplier"),
            _("Total now"),
            _("Grade now"),
            _("New total"),
            _("New grade"),
            _("Rank change"),
            body,
        )

    def action_apply(self):
        """A new version of the template with these criteria; grade bands changed here
        are the company's (every template's)."""
        self.ensure_one()
        self._proposal()
        company = self.template_id.company_id
        if (self.grade_a_min, self.grade_b_min) != (
            company.supplier_grade_a_min,
            company.supplier_grade_b_min,
        ):
            if not company.has_access("write"):
                raise UserError(
                    _(
                        "The grade bands are the company's, for every template: "
                        "only an administrator of the settings changes them."
                    )
                )
            # res.company checks the bands.
            company.write(
                {
                    "supplier_grade_a_min": self.grade_a_min,
                    "supplier_grade_b_min": self.grade_b_min,
                }
            )
        new = self.template_id._apply_version(
            [
                {
                    "sequence": line.sequence,
                    "criterion": line.criterion,
                    "weight": line.weight,
                    "poor_value": line.poor_value,
                    "excellent_value": line.excellent_value,
                }
                for line in self.line_ids
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "supplier.evaluation.template",
            "res_id": new.id,
            "view_mode": "form",
        }
