import datetime
import logging

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def notification_author(env, company):
    """The partner who signs what is posted to suppliers and buyers on ``env.user``'s
    behalf.

    The user when they have an e-mail address; else the company when it has one; else
    OdooBot. Without a sender address Odoo refuses to post ("configure the sender's
    email address").
    """
    if env.user.partner_id.email:
        return env.user.partner_id
    if company.partner_id.email:
        return company.partner_id
    return env.ref("base.partner_root")


class SupplierAlert(models.Model):
    _name = "supplier.alert"
    _description = "Supplier Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    # Worded in the reader's language from the supplier and the rule.
    name = fields.Char(compute="_compute_name", search="_search_name")
    partner_id = fields.Many2one(
        "res.partner", "Supplier", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    rule_id = fields.Many2one(
        "supplier.alert.rule", required=True, readonly=True, ondelete="restrict"
    )
    scorecard_ids = fields.Many2many(
        "supplier.scorecard", string="Scorecards", readonly=True
    )
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    corrective_action_ids = fields.One2many(
        "supplier.corrective.action", "alert_id", readonly=True
    )
    notification_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the buyer's activity or the supplier's request could not be sent; "
        "the alert and the scorecards are kept.",
    )

    @api.depends("partner_id.name", "rule_id.name")
    @api.depends_context("lang")
    def _compute_name(self):
        for alert in self:
            alert.name = self.env._(
                "%(supplier)s: %(rule)s",
                supplier=alert.partner_id.sudo().name or "",
                rule=alert.rule_id.sudo().name or "",
            )

    def _search_name(self, operator, value):
        combine = (
            expression.AND
            if operator in expression.NEGATIVE_TERM_OPERATORS
            else expression.OR
        )
        return combine(
            [
                [("partner_id.name", operator, value)],
                [("rule_id.name", operator, value)],
            ]
        )

    def action_close(self):
        self.write({"state": "closed"})

    @api.model
    def _raise_alerts(self, rule, company, partner_ids, cards_by_partner):
        """One alert per supplier, with the buyer's activity and the supplier's request
        as the rule says."""
        partners = self.env["res.partner"].browse(partner_ids)
        alerts = self.create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "rule_id": rule.id,
                    "scorecard_ids": [
                        (
                            6,
                            0,
                            cards_by_partner.get(
                                partner.id, self.env["supplier.scorecard"]
                            ).ids,
                        )
                    ],
                }
                for partner in partners
            ]
        )
        # A failure to notify never aborts the evaluation nor loses an alert: the
        # alerts are notified together, and when that fails, one by one, a failure
        # logged on its alert.
        try:
            with self.env.cr.savepoint():
                alerts._notify_all(rule, company)
        except Exception:  # noqa: BLE001 - whatever the mail stack raises
            _logger.warning(
                "Supplier alerts %s: notifying them together failed, one by one now",
                alerts.ids,
                exc_info=True,
            )
            for alert in alerts:
                try:
                    with self.env.cr.savepoint():
                        alert._notify_all(rule, company)
                except Exception as error:  # noqa: BLE001 - as above
                    _logger.warning(
                        "Supplier alert %s: notification failed",
                        alert.id,
                        exc_info=True,
                    )
                    alert.notification_error = str(error)
        return alerts

    def _notify_all(self, rule, company):
        """The note, the buyer's activity and the supplier's request of every alert
        of ``self`` (all of ``rule``), as the rule says, in batches: the notes in one
        insert, the activities in one create, the requests in one create.

        A user without an address cannot send: OdooBot sends (as crons do), signed by
        notification_author.
        """
        if not self:
            return
        author = notification_author(self.env, company)
        alerts = (
            self
            if self.env.user.partner_id.email
            else self.with_user(self.env.ref("base.user_root")).sudo()
        )
        alerts._message_log_batch(
            bodies={alert.id: alert._summary(rule) for alert in alerts},
            author_id=author.id,
            message_type="comment",
        )
        if rule.action not in ("activity", "request"):
            return
        buyers = alerts._responsible_buyers()
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get(self._name).id
        activities = []
        for alert in alerts:
            buyer = buyers[alert.id]
            # Activities store their text: in the language of the buyer who reads it.
            in_buyer_lang = alert.with_context(lang=buyer.lang or alert.env.lang)
            activities.append(
                {
                    "activity_type_id": todo.id,
                    "summary": in_buyer_lang.env._(
                        "Supplier alert: %s", alert.partner_id.name
                    ),
                    "note": in_buyer_lang._summary(rule),
                    "automated": True,
                    "date_deadline": fields.Date.context_today(alert),
                    "res_model_id": model_id,
                    "res_id": alert.id,
                    "user_id": buyer.id,
                }
            )
        # No e-mail per activity: each buyer is told once, with the list.
        alerts.env["mail.activity"].with_context(
            mail_activity_quick_update=True
        ).create(activities)
        for buyer in {buyer for buyer in buyers.values()}:
            mine = alerts.filtered(lambda a, b=buyer: buyers[a.id] == b)
            in_buyer_lang = mine.with_context(lang=buyer.lang or alerts.env.lang)
            alerts.env["supplier.alert"].message_notify(
                partner_ids=buyer.partner_id.ids,
                author_id=author.id,
                subject=in_buyer_lang.env._(
                    "Supplier alert: %s", rule.with_env(in_buyer_lang.env).name
                ),
                body=Markup("<ul>%s</ul>")
                % Markup().join(
                    Markup("<li>%s</li>") % alert.name for alert in in_buyer_lang
                ),
            )
        if rule.action == "request":
            alerts.with_context(
                mail_auto_subscribe_no_notify=True
            )._request_corrective_actions(rule, company, buyers)

    def _request_corrective_actions(self, rule, company, buyers):
        """One corrective action request per alert of ``self``, created together,
        reviewed by the alert's buyer in ``buyers`` ({alert id: user})."""
        languages = [lang for lang, _name in self.env["res.lang"].get_installed()]
        translations, requests = {}, []
        for alert in self:
            english = alert.with_context(lang="en_US")
            # Read by the buyer and by the supplier (portal): in every language. The
            # terms of an HTML field are its escaped texts.
            source = str(escape(english._summary(rule)))
            translations[alert.id] = {
                lang: {
                    source: str(escape(alert.with_context(lang=lang)._summary(rule)))
                }
                for lang in languages
                if lang != "en_US"
            }
            requests.append(
                {
                    "alert_id": alert.id,
                    "partner_id": alert.partner_id.id,
                    "company_id": company.id,
                    # The buyer reviews the supplier's answer, whoever raised it.
                    "user_id": buyers[alert.id].id,
                    "request": english._request(rule),
                    "date_due": fields.Date.context_today(self)
                    + datetime.timedelta(days=rule.due_days),
                }
            )
        self.env["supplier.corrective.action"].with_context(
            lang="en_US", supplier_request_translations=translations
        ).create(requests)

    def _request(self, rule):
        return Markup("<p>%s</p>") % self._summary(rule)

    def _summary(self, rule):
        """The rule and the figures that breached it, in the context's language."""
        self.ensure_one()
        rule = rule.with_env(self.env)
        figure = rule._fields["figure"].convert_to_export(rule.figure, rule)
        values = ", ".join(
            f"{card.date_from.strftime('%Y-%m')}: {round(card[rule.figure], 1)}"
            for card in self.scorecard_ids.sorted("date_from")
        )
        return self.env._(
            "%(rule)s (%(figure)s: %(values)s)",
            rule=rule.description,
            figure=figure,
            values=values,
        )

    def _responsible_buyer(self):
        """The supplier's buyer, else the buyer of its last confirmed order, else a
        purchase administrator of the company, else the current user."""
        self.ensure_one()
        return self._responsible_buyers()[self.id]

    def _responsible_buyers(self):
        """{alert id: _responsible_buyer()} of every alert of ``self``, the last
        orders of all their suppliers in one query (purchase_order has no index on
        its vendor: one search per alert scans the orders each time)."""
        buyers, pending = {}, self.browse()
        for alert in self:
            buyer = alert.partner_id.with_company(alert.company_id).buyer_id
            if buyer and alert.company_id in buyer.company_ids:
                buyers[alert.id] = buyer
            else:
                pending |= alert
        if not pending:
            return buyers
        self.env["purchase.order"].flush_model(
            ["partner_id", "company_id", "state", "user_id", "date_approve"]
        )
        self.env["res.partner"].flush_model(["parent_id"])
        # The vendor "child_of" the supplier: itself and every partner below it,
        # archived ones included, as the ORM's child_of.
        self.env.cr.execute(
            SQL(
                """
            WITH RECURSIVE a AS (
                SELECT * FROM unnest(%s::int[], %s::int[]) AS a(partner, company)
            ), tree AS (
                SELECT DISTINCT partner AS root, partner AS id FROM a
                 UNION
                SELECT tree.root, p.id
                  FROM tree JOIN res_partner p ON p.parent_id = tree.id
            )
            SELECT DISTINCT ON (a.partner, a.company) a.partner, a.company, o.user_id
              FROM a
              JOIN tree ON tree.root = a.partner
              JOIN purchase_order o ON o.partner_id = tree.id
                  AND o.company_id = a.company
                  AND o.state IN ('purchase', 'done') AND o.user_id IS NOT NULL
             ORDER BY a.partner, a.company, o.date_approve DESC, o.id DESC
            """,
                [a.partner_id.id for a in pending],
                [a.company_id.id for a in pending],
            )
        )
        last_buyers = {
            (partner, company): self.env["res.users"].sudo().browse(user)
            for partner, company, user in self.env.cr.fetchall()
        }
        managers = self.env.ref("purchase.group_purchase_manager").users
        for alert in pending:
            last_buyer = last_buyers.get(
                (alert.partner_id.id, alert.company_id.id), self.env["res.users"]
            )
            if (
                last_buyer.active
                and not last_buyer.share
                and (alert.company_id in last_buyer.company_ids)
            ):
                buyers[alert.id] = last_buyer
                continue
            own = managers.filtered(
                lambda u, c=alert.company_id: c in u.company_ids and not u.share
            )
            buyers[alert.id] = own[:1] or self.env.user
        return buyers

    def unlink(self):
        if any(alert.state == "open" and alert.corrective_action_ids for alert in self):
            raise UserError(
                _(
                    "Close the alert before deleting it: its corrective actions refer to it."  # noqa: E501
                )
            )
        return super().unlink()
