from dateutil.relativedelta import relativedelta

from odoo import api, models
from odoo.tools import SQL

from ..lib.vocabulary import RAW_FIELDS, SCORE_FIELDS

TREND_LENGTH = 6
# The ORM reads an empty float as 0.0; the report needs to tell "no data" from a real 0.
NULLABLE_FIELDS = (
    *RAW_FIELDS.values(),
    *SCORE_FIELDS.values(),
    "total_score",
    "previous_total",
    "total_change",
)


class ReportSupplierScorecard(models.AbstractModel):
    _name = "report.supplier_evaluation.report_supplier_scorecard"
    _description = "Supplier Scorecard Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        docs = self.env["supplier.scorecard"].browse(docids)
        trends = self._get_trends(docs)
        cards = docs.union(*trends.values())
        figures = self._get_figures(cards)
        return {
            "doc_ids": docs.ids,
            "doc_model": "supplier.scorecard",
            "docs": docs,
            "trends": trends,
            "figures": figures,
            "weight_shares": self._get_weight_shares(docs, figures),
            "raw_fields": RAW_FIELDS,
            "score_fields": SCORE_FIELDS,
        }

    @api.model
    def _get_trends(self, docs):
        """Scorecard id -> the last (up to) TREND_LENGTH scorecards of the same
        supplier, company and period type, ending with that scorecard, oldest first. One
        search for all docs.

        A published scorecard goes to the supplier (by email, from the portal): its
        trend shows only published scorecards, never drafts the supplier was not meant
        to see.
        """
        if not docs:
            return {}
        # Quarters are the longest periods: TREND_LENGTH quarters back from the oldest
        # doc is enough.
        oldest = min(docs.mapped("date_from")) - relativedelta(months=3 * TREND_LENGTH)
        candidates = self.env["supplier.scorecard"].search(
            [
                ("partner_id", "in", docs.partner_id.ids),
                ("company_id", "in", docs.company_id.ids),
                ("date_from", ">=", oldest),
                ("date_from", "<=", max(docs.mapped("date_from"))),
            ],
            order="date_from desc, id desc",
        )
        by_key = {}
        for card in candidates:
            by_key.setdefault(
                (card.partner_id.id, card.company_id.id, card.period_type), []
            ).append(card)
        trends = {}
        for doc in docs:
            history = [
                card
                for card in by_key.get(
                    (doc.partner_id.id, doc.company_id.id, doc.period_type), []
                )
                if card.date_from <= doc.date_from
                and (card.is_published or not doc.is_published)
            ][:TREND_LENGTH]
            trends[doc.id] = self.env["supplier.scorecard"].union(*reversed(history))
        return trends

    @api.model
    def _get_figures(self, cards):
        """Scorecard id -> {field: value, or None when the scorecard has no figure for
        it}."""
        if not cards:
            return {}
        cards.check_access("read")
        cards.flush_recordset(NULLABLE_FIELDS)
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM supplier_scorecard WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(name) for name in NULLABLE_FIELDS),
                cards.ids,
            )
        )
        return {
            row[0]: dict(zip(NULLABLE_FIELDS, row[1:], strict=False))
            for row in self.env.cr.fetchall()
        }

    @api.model
    def _get_weight_shares(self, docs, figures):
        """Scorecard id -> {criterion: % of the total it counts for, or None when left
        out}.

        The template's weights, rescaled over the criteria that have a score (as the
        total is).
        """
        shares = {}
        for doc in docs:
            figure = figures.get(doc.id, {})
            scored = {
                line.criterion: line.weight
                for line in doc.template_id.line_ids
                if figure.get(SCORE_FIELDS[line.criterion]) is not None
            }
            total = sum(scored.values())
            shares[doc.id] = {
                line.criterion: (100.0 * scored[line.criterion] / total)
                if total and line.criterion in scored
                else None
                for line in doc.template_id.line_ids
            }
        return shares
