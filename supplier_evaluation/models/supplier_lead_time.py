import datetime
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import lead_times
from ..lib import leadtimes


class SupplierLeadTime(models.Model):
    """A vendor priceline's lead time as measured on the company's receipts: written
    in bulk by lead_times.measure, never by hand."""

    _name = "supplier.lead.time"
    _description = "Learned supplier lead time"
    _order = "differs desc, partner_id, product_tmpl_id, id"
    _rec_name = "supplierinfo_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    supplierinfo_id = fields.Many2one(
        "product.supplierinfo",
        "Vendor priceline",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner", "Vendor", readonly=True, index=True, ondelete="cascade"
    )
    product_tmpl_id = fields.Many2one(
        "product.template", "Product", readonly=True, ondelete="cascade"
    )
    receipt_count = fields.Integer("Receipts", readonly=True)
    median_days = fields.Float("Median (days)", readonly=True, digits=(16, 1))
    p80_days = fields.Float("80th percentile (days)", readonly=True, digits=(16, 1))
    measured_days = fields.Float(
        "Measured (days)",
        readonly=True,
        digits=(16, 1),
        help="The median or the 80th percentile, as the settings say: the value "
        "applied to the priceline.",
    )
    declared_delay = fields.Integer(
        "Declared (days)", related="supplierinfo_id.delay", store=True
    )
    gap_days = fields.Float(
        "Gap (days)",
        compute="_compute_gap",
        store=True,
        digits=(16, 1),
        help="Measured minus declared lead time.",
    )
    differs = fields.Boolean(
        "Off the declared one",
        compute="_compute_gap",
        store=True,
        help="Enough receipts, and the measured lead time is further from the "
        "declared one than the company's threshold.",
    )
    date_from = fields.Date("Receipts from", readonly=True)
    date_to = fields.Date("Receipts to", readonly=True)

    @api.depends(
        "measured_days",
        "declared_delay",
        "receipt_count",
        "company_id.supplier_lead_time_threshold",
        "company_id.supplier_lead_time_min_receipts",
    )
    def _compute_gap(self):
        for row in self:
            row.gap_days = row.measured_days - row.declared_delay
            row.differs = bool(
                leadtimes.differs(
                    [row.measured_days],
                    [row.declared_delay],
                    row.company_id.supplier_lead_time_threshold,
                    [row.receipt_count],
                    row.company_id.supplier_lead_time_min_receipts,
                )[0]
            )

    def action_apply_measured(self):
        """Set each priceline's declared lead time to the measured one, with the
        user's own rights on the pricelines, and log it on the vendor."""
        too_few = self.filtered(
            lambda r: r.receipt_count < r.company_id.supplier_lead_time_min_receipts
        )
        if too_few:
            raise UserError(
                self.env._(
                    "Too few receipts to apply a measured lead time: %(lines)s.",
                    lines=", ".join(too_few.mapped("display_name")),
                )
            )
        days = leadtimes.applied_days(self.mapped("measured_days"))
        by_days = defaultdict(lambda: self.browse())
        changes = defaultdict(list)
        for row, new in zip(self, days.tolist(), strict=True):
            if row.declared_delay == new:
                continue
            by_days[new] |= row
            changes[row.partner_id].append(
                self.env._(
                    "%(product)s: %(old)s → %(new)s days (%(basis)s of %(count)s "
                    "receipts, %(date_from)s to %(date_to)s)",
                    product=row.product_tmpl_id.display_name,
                    old=row.declared_delay,
                    new=new,
                    basis=self.env._("median")
                    if row.company_id.supplier_lead_time_basis == "median"
                    else self.env._("80th percentile"),
                    count=row.receipt_count,
                    date_from=row.date_from,
                    date_to=row.date_to,
                )
            )
        for new, rows in by_days.items():
            rows.supplierinfo_id.write({"delay": new})
        for partner, lines in changes.items():
            partner.message_post(
                body=Markup("<br/>").join(
                    [self.env._("Lead times set to the measured ones:"), *lines]
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    @api.model
    def action_measure(self):
        """Measure the current company's lead times now (the list's button)."""
        if not self.env.user.has_group(
            "supplier_evaluation.supplier_evaluation_group_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only supplier evaluation administrators measure lead times."
                )
            )
        company = self.env.company
        today = self.env["supplier.scorecard"]._company_today(company)
        lead_times.measure(self.env, company, today)
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    @api.model
    def _cron_measure(self):
        """Every company's lead times over the window ending yesterday (its last whole
        day)."""
        for company in self.env["res.company"].search([]):
            today = self.env["supplier.scorecard"]._company_today(company)
            lead_times.measure(self.env, company, today - datetime.timedelta(days=1))
