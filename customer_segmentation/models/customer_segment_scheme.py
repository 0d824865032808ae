from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, LazyTranslate

from ..lib import segments
from ..lib.vocabulary import ALERT_SEGMENTS, WATCHED_SEGMENTS

_lt = LazyTranslate(__name__)

# The default grid's names, marked for translation (lib/segments.py holds the cells).
DEFAULT_SEGMENT_NAMES = {
    "champions": _lt("Champions"),
    "loyal": _lt("Loyal"),
    "potential_loyalists": _lt("Potential Loyalists"),
    "new_customers": _lt("New Customers"),
    "promising": _lt("Promising"),
    "need_attention": _lt("Need Attention"),
    "about_to_sleep": _lt("About to Sleep"),
    "at_risk": _lt("At Risk"),
    "cant_lose": _lt("Can't Lose"),
    "hibernating": _lt("Hibernating"),
}


DEFAULT_SCHEME_NAME = _lt("RFM segments")


class CustomerSegmentScheme(models.Model):
    _name = "customer.segment.scheme"
    _description = "RFM Segment Rule Table"
    _inherit = ["mail.thread"]
    _check_company_auto = True

    name = fields.Char(
        required=True,
        translate=True,
        default=lambda self: self.env._("RFM segments"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    segment_ids = fields.One2many(
        "customer.segment", "scheme_id", string="Segments", copy=True
    )

    _sql_constraints = [
        ("company_uniq", "unique(company_id)", "A company has one segment rule table."),
    ]

    @api.constrains("segment_ids")
    def _check_coverage(self):
        for scheme in self:
            if not scheme.segment_ids:
                raise ValidationError(_("The segment rule table cannot be empty."))
            uncovered, duplicated = segments.coverage_problems(
                scheme.segment_ids.mapped(
                    lambda s: (s.r_min, s.r_max, s.f_min, s.f_max)
                )
            )
            problems = []
            if uncovered:
                problems.append(
                    _("not covered by any segment: %s", _format_cells(uncovered))
                )
            if duplicated:
                problems.append(
                    _("covered by more than one segment: %s", _format_cells(duplicated))
                )
            if problems:
                raise ValidationError(
                    _(
                        "Every (R, F) cell must belong to exactly one segment. Cells %s.",  # noqa: E501
                        "; ".join(problems),
                    )
                )

    @api.model
    def _create_default(self, company):
        """The default 10-segment R×F grid for a company that has no rule table yet.

        Segment names are stored in every installed language (and in languages
        installed later, see _translate_default_names).
        """
        company = (
            self.env["res.company"].browse(company)
            if isinstance(company, int)
            else company
        )
        watched, alert = WATCHED_SEGMENTS, ALERT_SEGMENTS
        scheme = (
            self.sudo()
            .with_context(lang="en_US")
            .create(
                {
                    "company_id": company.id,
                    "segment_ids": [
                        Command.create(
                            {
                                "sequence": sequence,
                                "code": rule["code"],
                                "name": rule["name"],
                                "r_min": rule["r_min"],
                                "r_max": rule["r_max"],
                                "f_min": rule["f_min"],
                                "f_max": rule["f_max"],
                                "watch_downgrade": rule["code"] in watched,
                                "alert_on_arrival": rule["code"] in alert,
                            }
                        )
                        for sequence, rule in enumerate(segments.DEFAULT_RF_GRID, 1)
                    ],
                }
            )
        )
        scheme._translate_default_names(
            [code for code, _name in self.env["res.lang"].get_installed()]
        )
        return scheme.sudo(False).with_env(self.env)

    @api.model
    def _translate_default_names(self, languages, overwrite=False):
        """The default names (rule tables, segments) in ``languages``: the records are
        made in Python, per company, so Odoo's loading of a language's terms does not
        reach them. Only names still the default English one are translated (a renamed
        segment keeps its name), and existing translations only with ``overwrite``.
        Called on schemes, their own; on the empty model, every company's."""
        languages = [lang for lang in languages if lang != "en_US"]
        if not languages:
            return
        schemes = self.sudo() or self.sudo().search([])
        segments_by_code = schemes.segment_ids.filtered(
            lambda s: s.code in DEFAULT_SEGMENT_NAMES
        )
        for records, label_of in (
            (schemes, lambda record: DEFAULT_SCHEME_NAME),
            (segments_by_code, lambda record: DEFAULT_SEGMENT_NAMES[record.code]),
        ):
            records.flush_recordset(["name"])
            # Every language's value as stored, without the ORM's fallback to English.
            self.env.cr.execute(
                SQL(
                    "SELECT id, name FROM %s WHERE id = ANY(%s)",
                    SQL.identifier(records._table),
                    records.ids,
                )
            )
            stored = dict(self.env.cr.fetchall())
            for record in records:
                label, name = label_of(record), stored[record.id] or {}
                if name.get("en_US") != label._translate("en_US"):
                    continue
                missing = {
                    lang: label._translate(lang)
                    for lang in languages
                    if overwrite or lang not in name
                }
                if missing:
                    record.update_field_translations("name", missing)

    # Segments written through the table are checked together, once, by _check_coverage.
    @api.model_create_multi
    def create(self, vals_list):
        schemes = (
            super(
                CustomerSegmentScheme,
                self.with_context(customer_segmentation_batch=True),
            )
            .create(vals_list)
            .with_env(self.env)
        )
        schemes._check_coverage()  # also when created without segments
        return schemes

    def write(self, vals):
        return super(
            CustomerSegmentScheme, self.with_context(customer_segmentation_batch=True)
        ).write(vals)


def _format_cells(cells):
    return ", ".join(f"R{r}F{f}" for r, f in cells)
