import datetime

from dateutil.relativedelta import relativedelta

from odoo.tests import Form, TransactionCase, new_test_user
from odoo.tools import SQL

MARCH = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
# What a company gets on creation (res.company._supplier_evaluation_setup).
SET_UP_MODELS = (
    "supplier.evaluation.template",
    "supplier.alert.rule",
    "supplier.purchase.policy",
)


def monthly_card(env, company, partner, start, total, kraljic_class):
    """A scored monthly scorecard from ``start``, graded from its total."""
    return env["supplier.scorecard"].create(
        {
            "partner_id": partner.id,
            "company_id": company.id,
            "period_type": "month",
            "date_from": start,
            "date_to": start + relativedelta(months=1, days=-1),
            "has_data": True,
            "total_score": total,
            "grade": "A" if total >= 85 else "B" if total >= 70 else "C",
            "kraljic_class": kraljic_class,
            "spend": total * 10,
        }
    )


def portal_user(env, login, company_partner, email=None):
    """A portal user whose contact belongs to the supplier ``company_partner``."""
    contact = env["res.partner"].create(
        {
            "name": f"{login} contact",
            "parent_id": company_partner.id,
            **({"email": email} if email else {}),
        }
    )
    return new_test_user(
        env, login=login, groups="base.group_portal", partner_id=contact.id
    )


class SupplierEvaluationCase(TransactionCase):
    """Two companies, a buyer, a purchase administrator, and the default templates."""

    # A class whose figures depend on every purchase of the company (outlier cut,
    # Kraljic shares, clusters) sets this: it then runs in a company of its own, with
    # copies of the main company's templates, alert rules and policies, whatever demo
    # data is installed.
    OWN_COMPANY = False

    # Where the queue bridge (supplier_evaluation_queue) is installed too, its jobs
    # run at once (queue_job's queue_job__no_delay; without queue_job nothing reads
    # it): these tests check what an evaluation writes, whichever way it runs. The
    # bridge's own tests, which check the jobs, set it False.
    JOBS_AT_ONCE = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.JOBS_AT_ONCE:
            cls.env = cls.env(context=dict(cls.env.context, queue_job__no_delay=True))
        cls.company = cls.env.company
        if cls.OWN_COMPANY:
            cls.company = cls._company_like_main(f"{cls.__name__} Co")
        # A second company with nothing set up: what a test gives it is all it has.
        cls.other_company = cls.env["res.company"].create({"name": "Other Company"})
        cls._without_set_up(cls.other_company)
        cls.buyer = new_test_user(
            cls.env,
            login="se_buyer",
            groups="purchase.group_purchase_user",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.purchase_manager = new_test_user(
            cls.env,
            login="se_manager",
            groups="purchase.group_purchase_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="se_other_manager",
            groups="purchase.group_purchase_manager",
            company_id=cls.other_company.id,
            company_ids=[cls.other_company.id],
        )

    @classmethod
    def _without_set_up(cls, company):
        """``company`` without the templates, alert rules and purchase policies it
        got on creation."""
        for model in SET_UP_MODELS:
            cls.env[model].search([("company_id", "=", company.id)]).unlink()

    @classmethod
    def _company_like_main(cls, name):
        """A new company with the main company's evaluation set-up (in place of the
        shipped one it gets on creation), the env in it."""
        main = cls.env.ref("base.main_company")
        company = cls.env["res.company"].create({"name": name})
        cls._without_set_up(company)
        for model in SET_UP_MODELS:
            for record in cls.env[model].search([("company_id", "=", main.id)]):
                record.copy({"company_id": company.id})
        cls.env.user.company_ids |= company
        cls.env = cls.env(
            context=dict(cls.env.context, allowed_company_ids=company.ids)
        )
        return company

    @classmethod
    def _return(cls, picking, quantities):
        """Return ``quantities`` ({product: qty}) of ``picking`` through the return
        wizard, validated."""
        wizard = Form(
            cls.env["stock.return.picking"].with_context(
                active_ids=picking.ids,
                active_id=picking.id,
                active_model="stock.picking",
            )
        ).save()
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.product_id, 0)
        returned = cls.env["stock.picking"].browse(
            wizard.action_create_returns()["res_id"]
        )
        for move in returned.move_ids:
            move.quantity = quantities.get(move.product_id, 0)
            move.picked = True
        returned.button_validate()
        return returned

    @classmethod
    def _record_twice(cls, moves):
        """The same receipt recorded twice (e.g. a bad import): one more done copy of
        the same move."""
        for move in moves:
            copy = move.copy({"picking_id": False})
            cls.env.flush_all()
            cls.env.cr.execute(
                SQL(
                    "UPDATE stock_move c SET state = 'done', quantity = m.quantity, "
                    "date = m.date, picking_id = m.picking_id, purchase_line_id = "
                    "m.purchase_line_id FROM stock_move m WHERE m.id = %s AND c.id = "
                    "%s",
                    move.id,
                    copy.id,
                )
            )
        cls.env.invalidate_all()

    def _evaluate(self, period=MARCH, partners=None):
        return self.env["supplier.scorecard"]._evaluate(
            self.company, *period, partners=partners
        )

    def _card(self, vendor, period=MARCH):
        return self.env["supplier.scorecard"].search(
            [
                ("partner_id", "=", vendor.id),
                ("company_id", "=", self.company.id),
                ("date_from", "=", period[0]),
            ]
        )
