from odoo import fields, models

CONDITIONS = [
    ("grade_A", "Grade A"),
    ("grade_B", "Grade B"),
    ("grade_C", "Grade C"),
    ("state_candidate", "Candidate"),
    ("state_evaluation", "Under evaluation"),
    ("state_answered", "Answered"),
    ("state_approved", "Approved"),
    ("state_conditional", "Conditional"),
    ("state_refused", "Refused"),
    ("state_blocked", "Blocked"),
]
SEVERITY = {"none": 0, "warn": 1, "block": 2}


class SupplierPurchasePolicy(models.Model):
    """What confirming an RFQ or purchase order does for suppliers of a grade or
    qualification state."""

    _name = "supplier.purchase.policy"
    _description = "Supplier Purchase Control Policy"
    _order = "company_id, condition"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    condition = fields.Selection(CONDITIONS, required=True)
    action = fields.Selection(
        [("none", "Nothing"), ("warn", "Warn"), ("block", "Block")],
        required=True,
        default="warn",
    )

    _sql_constraints = [
        (
            "condition_company_uniq",
            "unique(condition, company_id)",
            "One policy per condition and company.",
        ),
    ]

    def _verdicts(self, partners, company):
        """For each commercial partner: (action, [reasons]) from its grade and
        qualification state."""
        policies = {
            p.condition: p.action
            for p in self.search([("company_id", "=", company.id)])
        }
        labels = dict(CONDITIONS)
        partners = partners.with_company(company)
        verdicts = {}
        for partner in partners:
            conditions = []
            if partner.supplier_grade:
                conditions.append(f"grade_{partner.supplier_grade}")
            if partner.supplier_qualification_state:
                conditions.append(f"state_{partner.supplier_qualification_state}")
            action, reasons = "none", []
            for condition in conditions:
                policy = policies.get(condition, "none")
                if policy != "none":
                    reasons.append(labels[condition])
                if SEVERITY[policy] > SEVERITY[action]:
                    action = policy
            verdicts[partner.id] = (action, reasons)
        return verdicts
