from markupsafe import Markup

from odoo import fields, models
from odoo.tools import format_amount


class CustomerSegmentationRun(models.Model):
    _inherit = "customer.segmentation.run"

    def _schedule_downgrade_activities(self, company, partner_ids, values, rows):
        count = super()._schedule_downgrade_activities(
            company, partner_ids, values, rows
        )
        self._create_winback_opportunities(company, partner_ids, values, rows)
        return count

    def _create_winback_opportunities(self, company, partner_ids, values, rows):
        """One opportunity per downgrade into a segment set to raise one, for the
        customer's salesperson; none while the customer has one open already (a run
        repeated, or a second move before the first is settled)."""
        if not len(rows):
            return self.env["crm.lead"]
        segments = self.env["customer.segment"].browse(
            set(values["segment_id"][rows].tolist())
        )
        wanted = set(segments.filtered("winback_opportunity").ids)
        picked = [
            (partner_id, row)
            for partner_id, row in zip(
                partner_ids.tolist(), rows.tolist(), strict=False
            )
            if values["segment_id"][row] in wanted
        ]
        if not picked:
            return self.env["crm.lead"]
        Lead = self.env["crm.lead"]
        partners = self.env["res.partner"].browse([p for p, _row in picked])
        busy = set(Lead._customer_open_winbacks(company, partners).partner_id.ids)
        fallback = self.env.user
        vals_list = []
        for partner, (_partner_id, row) in zip(partners, picked, strict=False):
            if partner.id in busy:
                continue
            user = partner.user_id or fallback
            # The opportunity stores its text: in the salesperson's language.
            env = self.with_context(lang=user.lang or self.env.lang).env
            old = env["customer.segment"].browse(
                int(values["previous_segment_id"][row])
            )
            new = env["customer.segment"].browse(int(values["segment_id"][row]))
            revenue = float(values["monetary"][row])
            vals_list.append(
                {
                    "type": "opportunity",
                    "name": env._("Win back %s", partner.display_name),
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "company_id": company.id,
                    "expected_revenue": revenue,
                    "customer_winback": True,
                    "customer_from_segment_id": old.id,
                    "customer_to_segment_id": new.id,
                    "description": Markup("<p>%s</p>")
                    % env._(
                        "%(customer)s moved from %(old)s to %(new)s on %(date)s. Revenue at risk over the analysis window: %(revenue)s.",  # noqa: E501
                        customer=partner.display_name,
                        old=old.name,
                        new=new.name,
                        date=fields.Date.to_string(self.date),
                        revenue=format_amount(env, revenue, company.currency_id),
                    ),
                }
            )
        return Lead.with_company(company).create(vals_list)
