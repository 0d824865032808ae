"""Demo purchasing history, made through Odoo's own purchase and stock flows.

Called once from ``data/supplier_evaluation_demo.xml`` (through
``res.company._supplier_evaluation_load_demo``) when the addon is installed with demo
data. Every date is relative to the as-of date given (the company's today): the history
covers the last ``months`` full months and the current month (whose receipts are partly
still open), and the last full month is "last month". Each supplier of the demo data
follows a profile (``PROFILES``) that gives it one of the shapes the scorecards should
show:

- Nordwerk: the reliable strategic supplier (large share of spend, sole source of its
  drives, on time, stable lead time, good ratings);
- Baltic Steel: lead time growing month after month (7, 8, 10, 12 ... days);
- Rapid Fasteners: under 90% on time in each of the last three full months;
- Optiq: single-source bottleneck (the only vendor of its sensors);
- Kartonwerk: quality going down, no activity last month, blocked;
- the others: ordinary suppliers competing on the same products at different prices,
  with some partial deliveries, returns and buyer ratings.
"""

import datetime
import random

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

from ..lib import periods

MODULE = "supplier_evaluation"
ORDER_HOUR = 9  # UTC: orders are approved at 09:00,
PROMISE_HOUR = 12  # promised for noon,
RECEIPT_HOUR = (
    10  # and received from 10:00 on: the same calendar day in European time zones.
)


def _growing_lead(t):
    """Baltic Steel: 7 days at the start of the history, about 1.6 days more every
    month."""
    return 7.0 + 1.6 * t


def _rapid_late(offset):
    """Rapid Fasteners: reliable until the last three full months (offsets -3, -2, -1),
    then worse and worse."""
    return {-3: 0.0, -2: 0.25, -1: 0.5}.get(offset, 0.0)


def _rapid_partial(offset):
    """From the last three full months on, every line not late comes short, the rest on
    a backorder."""
    return 1.0 if offset >= -3 else 0.0


def _kartonwerk_returns(offset):
    """Damaged cartons: every receipt of its last months is partly sent back."""
    return 1.0 if offset >= -4 else 0.12


# Per supplier (xml id): products (xml id -> min qty, max qty, step, chance to be on an
# order), orders a month, lead time in days (number or function of the months since the
# start), daily noise, promised slack, chances of late / partial delivery and of a
# return, ratings. Chances may be functions of the month offset (0 = current month, -1 =
# last month, ...).
PROFILES = {
    "demo_supplier_nordwerk": {
        "products": {
            "demo_product_gearbox": (6, 12, 1, 1.0),
            "demo_product_controller": (2, 5, 1, 0.75),
            "demo_product_bearing": (100, 300, 50, 0.35),
        },
        "service": "demo_product_drive_service",  # on-site maintenance every quarter
        "orders": 2,
        "lead": 14,
        "noise": 1,
        "slack": 1,
        "late": 0.0,
        "partial": 0.06,
        "partial_share": (0.8, 0.9),
        "backorder_days": (3, 5),
        "returns": 0.0,
        "ratings": {"every": 1, "values": lambda offset: (5, 4, 5)},
    },
    "demo_supplier_baltic_steel": {
        "products": {
            "demo_product_steel_sheet": (2000, 5000, 500, 1.0),
            "demo_product_alu_bar": (400, 1200, 100, 0.6),
        },
        "orders": 2,
        "lead": _growing_lead,
        "noise": 0,
        "slack": 2,
        "late": 0.0,
        "partial": 0.0,
        "returns": 0.05,
        "return_share": (0.01, 0.03),
        "ratings": {
            "every": 2,
            "values": lambda offset: (4, 4 if offset < -6 else 2, 3),
        },
    },
    "demo_supplier_rapid_fasteners": {
        "products": {
            "demo_product_bolt": (40, 140, 10, 1.0),
            "demo_product_nut": (40, 120, 10, 0.7),
        },
        "orders": 2,
        "lead": 8,
        "noise": 1,
        "slack": 1,
        "late": _rapid_late,
        "late_days": (3, 8),
        "partial": _rapid_partial,
        "partial_all": True,
        "partial_share": (0.7, 0.85),
        "backorder_days": (5, 10),
        "returns": 0.05,
        "return_share": (0.02, 0.05),
        "ratings": {
            "every": 3,
            "monthly_from": -3,
            "values": lambda offset: (2, 2, 3) if offset >= -3 else (4, 4, 4),
        },
    },
    "demo_supplier_optiq": {
        "products": {
            "demo_product_laser_sensor": (2, 4, 1, 1.0),
            "demo_product_encoder": (4, 8, 2, 0.8),
        },
        "orders": 1,
        "days": [(1, 7)],
        "lead": 21,
        "noise": 2,
        "slack": 2,
        "late": 0.08,
        "late_days": (2, 5),
        "partial": 0.15,
        "partial_share": (0.5, 0.75),
        "backorder_days": (5, 9),
        "returns": 0.04,
        "return_share": (0.1, 0.25),
        "ratings": {"every": 2, "values": lambda offset: (4, 3, 4)},
    },
    "demo_supplier_kartonwerk": {
        "products": {
            "demo_product_carton": (400, 1000, 100, 1.0),
            "demo_product_foam": (80, 200, 20, 0.6),
        },
        "orders": 1,
        "lead": 6,
        "noise": 1,
        "slack": 1,
        "stop_before_last_month": True,
        "late": 0.05,
        "late_days": (1, 3),
        "partial": 0.1,
        "partial_share": (0.7, 0.9),
        "backorder_days": (2, 4),
        "returns": _kartonwerk_returns,
        "return_share": (0.1, 0.25),
        "ratings": {
            "every": 3,
            "values": lambda offset: (2, 3, 2) if offset >= -5 else (3, 4, 3),
        },
    },
    "demo_supplier_ferro": {
        "products": {
            "demo_product_steel_sheet": (2500, 5000, 500, 1.0),
            "demo_product_alu_bar": (500, 1200, 100, 0.6),
        },
        "orders": 2,
        "lead": 10,
        "noise": 1,
        "slack": 1,
        "late": 0.02,
        "late_days": (1, 3),
        "partial": 0.05,
        "partial_share": (0.8, 0.9),
        "backorder_days": (3, 5),
        "returns": 0.03,
        "return_share": (0.01, 0.02),
        "ratings": {"every": 3, "values": lambda offset: (4, 5, 4)},
    },
    "demo_supplier_alpine": {
        "products": {
            "demo_product_steel_sheet": (200, 600, 100, 0.4),
            "demo_product_hose": (25, 75, 25, 0.4),
            "demo_product_valve": (1, 2, 1, 0.3),
            "demo_product_powder": (25, 75, 25, 0.3),
            "demo_product_primer": (20, 40, 10, 0.2),
            "demo_product_gloves": (50, 100, 50, 0.3),
        },
        "orders": 1,
        "lead": 4,
        "noise": 1,
        "slack": 1,
        "cancelled": 0.15,
        "late": 0.04,
        "late_days": (1, 4),
        "partial": 0.05,
        "partial_share": (0.5, 0.8),
        "backorder_days": (2, 4),
        "returns": 0.02,
        "return_share": (0.05, 0.1),
        "ratings": {"every": 4, "values": lambda offset: (4, 4, 3)},
    },
    "demo_supplier_boltex": {
        "products": {
            "demo_product_bolt": (40, 120, 10, 0.8),
            "demo_product_nut": (40, 120, 10, 0.6),
            "demo_product_bearing": (50, 150, 50, 0.3),
            "demo_product_gloves": (100, 200, 50, 0.3),
            "demo_product_glasses": (20, 40, 10, 0.2),
        },
        "orders": 1,
        "lead": 7,
        "noise": 1,
        "slack": 1,
        "cancelled": 0.1,
        "late": 0.03,
        "late_days": (1, 3),
        "partial": 0.08,
        "partial_share": (0.7, 0.9),
        "backorder_days": (3, 6),
        "returns": 0.03,
        "return_share": (0.02, 0.05),
        "ratings": {"every": 3, "values": lambda offset: (4, 4, 4)},
    },
    "demo_supplier_kugellager": {
        "products": {
            "demo_product_bearing": (150, 400, 50, 1.0),
            "demo_product_vbelt": (20, 60, 10, 0.7),
        },
        "orders": 1,
        "lead": 5,
        "noise": 1,
        "slack": 1,
        "late": 0.03,
        "late_days": (1, 2),
        "partial": 0.05,
        "partial_share": (0.8, 0.9),
        "backorder_days": (2, 4),
        "returns": 0.02,
        "return_share": (0.01, 0.02),
        "ratings": {"every": 3, "values": lambda offset: (5, 4, 4)},
    },
    "demo_supplier_voltaria": {
        "products": {
            "demo_product_cable": (8, 20, 2, 1.0),
            "demo_product_connector": (100, 300, 50, 0.8),
        },
        "orders": 1,
        "lead": 9,
        "noise": 2,
        "slack": 2,
        "cancelled": 0.1,
        "late": 0.04,
        "late_days": (2, 5),
        "partial": 0.1,
        "partial_share": (0.6, 0.9),
        "backorder_days": (4, 8),
        "returns": 0.6,
        "return_share": (0.05, 0.15),
        "ratings": {"every": 2, "values": lambda offset: (2, 3, 3)},
    },
    "demo_supplier_cablelink": {
        "products": {
            "demo_product_cable": (5, 15, 1, 1.0),
            "demo_product_connector": (100, 250, 50, 0.7),
        },
        "orders": 1,
        "lead": 6,
        "noise": 1,
        "slack": 1,
        "late": 0.03,
        "late_days": (1, 3),
        "partial": 0.05,
        "partial_share": (0.7, 0.9),
        "backorder_days": (2, 5),
        "returns": 0.1,
        "return_share": (0.02, 0.05),
        "ratings": {"every": 3, "values": lambda offset: (4, 5, 4)},
    },
    "demo_supplier_hydroflow": {
        "products": {
            "demo_product_hose": (50, 200, 25, 1.0),
            "demo_product_valve": (2, 6, 1, 0.7),
        },
        "orders": 1,
        "lead": 12,
        "noise": 2,
        "slack": 2,
        "late": 0.03,
        "late_days": (2, 5),
        "partial": 0.15,
        "partial_share": (0.6, 0.85),
        "backorder_days": (4, 8),
        "returns": 0.1,
        "return_share": (0.02, 0.06),
        "ratings": {"every": 3, "values": lambda offset: (4, 3, 4)},
    },
    "demo_supplier_coatex": {
        "products": {
            "demo_product_powder": (100, 300, 25, 1.0),
            "demo_product_primer": (40, 120, 20, 0.6),
        },
        "orders": 1,
        "lead": 8,
        "noise": 1,
        "slack": 1,
        "late": 0.03,
        "late_days": (1, 4),
        "partial": 0.05,
        "partial_share": (0.7, 0.9),
        "backorder_days": (3, 5),
        "returns": 0.3,
        "return_share": (0.03, 0.08),
        "ratings": {"every": 3, "values": lambda offset: (3, 4, 4)},
    },
    "demo_supplier_safegear": {
        "products": {
            "demo_product_gloves": (100, 300, 50, 1.0),
            "demo_product_glasses": (20, 60, 10, 0.6),
        },
        "orders": 1,
        "lead": 6,
        "noise": 1,
        "slack": 1,
        "late": 0.04,
        "late_days": (1, 4),
        "partial": 0.05,
        "partial_share": (0.6, 0.9),
        "backorder_days": (3, 6),
        "returns": 0.05,
        "return_share": (0.02, 0.05),
        "ratings": {"every": 4, "values": lambda offset: (4, 3, 4)},
    },
    "demo_supplier_packwise": {
        "products": {
            "demo_product_carton": (400, 1000, 100, 1.0),
            "demo_product_foam": (80, 200, 20, 0.6),
        },
        "orders": 1,
        "lead": 7,
        "noise": 1,
        "slack": 1,
        "first_offset": -5,  # a new supplier
        "late": 0.02,
        "late_days": (1, 2),
        "partial": 0.05,
        "partial_share": (0.8, 0.9),
        "backorder_days": (2, 4),
        "returns": 0.03,
        "return_share": (0.01, 0.03),
        "ratings": {"every": 2, "values": lambda offset: (5, 4, 4)},
    },
}

QUALIFICATION = {
    "demo_supplier_nordwerk": "approved",
    "demo_supplier_baltic_steel": "approved",
    "demo_supplier_rapid_fasteners": "conditional",
    "demo_supplier_optiq": "approved",
    "demo_supplier_kartonwerk": "blocked",
    "demo_supplier_ferro": "approved",
    "demo_supplier_boltex": "approved",
    "demo_supplier_kugellager": "approved",
    "demo_supplier_voltaria": "conditional",
    "demo_supplier_cablelink": "approved",
    "demo_supplier_hydroflow": "approved",
    "demo_supplier_coatex": "approved",
    "demo_supplier_packwise": "evaluation",
    "demo_supplier_alpine": "candidate",
}
QUIET_LAST_MONTH = "demo_supplier_kartonwerk"
RATING_NOTES = {
    1: "Escalation needed, no answer for days.",
    2: "Several reminders needed this month.",
    5: "Very responsive, proactive about delays.",
}

# Order days in the month for 1, 2 or 3 orders (ranges keep most promises inside the
# month).
ORDER_DAYS = {1: [(2, 12)], 2: [(2, 8), (12, 18)], 3: [(2, 7), (10, 15), (18, 23)]}


def generate_history(env, company, as_of, months=15, seed=2024):
    """Purchase history of the demo suppliers up to ``as_of`` (the company's today),
    then Kraljic suggestions and scorecards of every past period."""
    env = (
        env["res.company"]
        .sudo()
        .with_company(company)
        .with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_create_nosubscribe=True,
        )
        .env
    )
    company = company.with_env(env)
    rng = random.Random(seed)
    now = fields.Datetime.now()
    start = as_of.replace(day=1) - relativedelta(months=months)
    partners = {xmlid: env.ref(f"{MODULE}.{xmlid}") for xmlid in PROFILES}

    plans = []
    for xmlid, profile in PROFILES.items():
        plans += _plan_orders(env, rng, partners[xmlid], profile, start, months, as_of)
    plans.sort(key=lambda plan: plan["date"])  # order references follow the order dates
    _run_orders(env, plans, now)
    _create_ratings(env, rng, partners, start, months)

    _evaluate(env, company, start, as_of, partners[QUIET_LAST_MONTH])
    # Qualification last: purchase control may refuse orders to blocked suppliers.
    for xmlid, state in QUALIFICATION.items():
        values = {"supplier_qualification_state": state}
        if state == "conditional":
            values.update(
                supplier_qualification_conditions="On-time delivery back above 90 %",
                supplier_qualification_review_date=as_of + relativedelta(months=2),
            )
        partners[xmlid].write(values)


# ------------------------------------------------------------------ planning
def _plan_orders(env, rng, partner, profile, start, months, today):
    """The orders of one supplier: lines, promised dates, deliveries and returns (no
    records yet)."""
    sellers = partner.env["product.supplierinfo"].search(
        [("partner_id", "=", partner.id)]
    )
    price_of = {seller.product_tmpl_id: seller.price for seller in sellers}
    products = [
        (env.ref(f"{MODULE}.{xmlid}"), spec)
        for xmlid, spec in profile["products"].items()
    ]
    service = profile.get("service") and env.ref(f"{MODULE}.{profile['service']}")
    this_month = start + relativedelta(months=months)
    order_days = profile.get("days") or ORDER_DAYS[profile["orders"]]
    plans = []
    for index in range(months + 1):
        offset = index - months
        if offset < profile.get("first_offset", -months):
            continue
        if profile.get("stop_before_last_month") and offset >= -1:
            continue
        month_start = start + relativedelta(months=index)
        for number, (low, high) in enumerate(order_days):
            if profile.get("stop_before_last_month") and offset == -2:
                if number:
                    continue
                low, high = (
                    1,
                    3,
                )  # the last order: everything about it is over before last month
            day = month_start + datetime.timedelta(days=rng.randint(low, high) - 1)
            if day >= today:
                continue
            ordered_at = datetime.datetime.combine(day, datetime.time(ORDER_HOUR))
            t = index + (day.day - 1) / 30.0
            lead = profile["lead"](t) if callable(profile["lead"]) else profile["lead"]
            promised = round(lead) + profile["slack"]
            promise_day = day + datetime.timedelta(days=promised)
            promise_offset = (
                (promise_day.year - this_month.year) * 12
                + promise_day.month
                - this_month.month
            )
            drift = 1 + 0.004 * index  # prices creep up over the history
            lines = []
            for template, (qty_min, qty_max, step, chance) in products:
                if rng.random() < chance or (not lines and template == products[-1][0]):
                    qty = step * rng.randint(-(-qty_min // step), qty_max // step)
                    price = round(
                        price_of[template] * drift * rng.uniform(0.98, 1.02), 2
                    )
                    lines.append((template.product_variant_id, qty, price))
            if service and index % 3 == 1 and not number:
                lines.append(
                    (
                        service.product_variant_id,
                        1,
                        round(price_of[service] * drift, 2),
                    )
                )
            plan = {
                "partner": partner,
                "date": ordered_at,
                "lines": lines,
                "promise": datetime.datetime.combine(
                    promise_day, datetime.time(PROMISE_HOUR)
                ),
                "deliveries": [],
                "returns": [],
            }
            plans.append(plan)
            _plan_deliveries(rng, plan, profile, lead, promised, offset, promise_offset)
            if rng.random() < profile.get("cancelled", 0.0):
                # A request for quotation the buyer cancelled: left out of the
                # scorecards.
                plans.append(
                    dict(
                        plan,
                        cancel=True,
                        deliveries=[],
                        returns=[],
                        date=ordered_at + datetime.timedelta(hours=2),
                    )
                )
    return plans


def _plan_deliveries(rng, plan, profile, lead, promised, offset, promise_offset):
    """Receipts of each line: on time (maybe partly, the rest on a backorder) or
    late; returns."""

    def chance(key, month_offset):
        value = profile.get(key, 0.0)
        return value(month_offset) if callable(value) else value

    def at(days):
        return plan["date"] + datetime.timedelta(days=days, hours=hour)

    hour = RECEIPT_HOUR - ORDER_HOUR + rng.randint(0, 5)
    noise = profile["noise"]
    on_time = at(min(round(lead + rng.uniform(-noise, noise)), promised))
    receipts = {}
    on_time_lines = []
    for i, (product, qty, _price) in enumerate(plan["lines"]):
        if product.type == "service":
            continue
        if rng.random() < chance("late", promise_offset):
            late = at(promised + rng.randint(*profile["late_days"]))
            receipts.setdefault(late, {})[i] = qty
        else:
            receipts.setdefault(on_time, {})[i] = qty
            on_time_lines.append(i)
    if on_time_lines and rng.random() < chance("partial", promise_offset):
        later = on_time + datetime.timedelta(
            days=rng.randint(*profile["backorder_days"])
        )
        for i in (
            on_time_lines if profile.get("partial_all") else [rng.choice(on_time_lines)]
        ):
            total = receipts[on_time][i]
            now_qty = max(1, round(total * rng.uniform(*profile["partial_share"])))
            if now_qty < total:
                receipts[on_time][i] = now_qty
                receipts.setdefault(later, {})[i] = (
                    receipts.get(later, {}).get(i, 0) + total - now_qty
                )
    plan["deliveries"] = sorted(receipts.items(), key=lambda item: item[0])
    if plan["deliveries"] and rng.random() < chance("returns", offset):
        received_at, quantities = plan["deliveries"][0]
        i = rng.choice(sorted(quantities))
        qty = max(1, round(quantities[i] * rng.uniform(*profile["return_share"])))
        plan["returns"].append(
            (received_at + datetime.timedelta(days=rng.randint(2, 6)), i, qty)
        )


# ------------------------------------------------------------------ execution
def _run_orders(env, plans, now):
    """Create and confirm (or cancel) every order at once, receive in rounds,
    return, back-date.

    Batches, not one order at a time: one ``create`` for all orders, one
    ``button_confirm``, then round k validates the k-th receipt of every order in
    one ``_action_done`` (the remainder goes to a backorder, the next round's
    receipt), and the returns are validated together. Each transfer is then moved to
    its own date.
    """
    admin = env.ref("base.user_admin")
    orders = env["purchase.order"].create(
        [
            {
                "partner_id": plan["partner"].id,
                "user_id": plan["partner"].buyer_id.id or admin.id,
                "date_order": plan["date"],
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_qty": qty,
                            "price_unit": price,
                            "date_planned": plan["promise"],
                        }
                    )
                    for product, qty, price in plan["lines"]
                ],
            }
            for plan in plans
        ]
    )
    cancelled = orders.browse(
        [
            order.id
            for plan, order in zip(plans, orders, strict=False)
            if plan.get("cancel")
        ]
    )
    cancelled.button_cancel()
    (orders - cancelled).button_confirm()
    for plan, order in zip(plans, orders, strict=False):
        order.write(
            {"date_order": plan["date"]}
            if plan.get("cancel")
            else {"date_order": plan["date"], "date_approve": plan["date"]}
        )
    active = [
        (plan, order)
        for plan, order in zip(plans, orders, strict=False)
        if not plan.get("cancel")
    ]

    # (order, line index) -> the receipt that first brought the line
    received_in = {}
    for round_ in range(
        max((len(plan["deliveries"]) for plan, _order in active), default=0)
    ):
        receipts = []
        for plan, order in active:
            if round_ >= len(plan["deliveries"]) or plan["deliveries"][round_][0] > now:
                continue
            received_at, quantities = plan["deliveries"][round_]
            picking = order.picking_ids.filtered(
                lambda p: p.picking_type_code == "incoming"
                and p.state not in ("done", "cancel")
            )
            by_line = {order.order_line[i].id: qty for i, qty in quantities.items()}
            for move in picking.move_ids:
                move.quantity = by_line.get(move.purchase_line_id.id, 0)
                move.picked = bool(move.quantity)
            receipts.append((picking, received_at, plan["date"]))
            for i in quantities:
                received_in.setdefault((order, i), picking)
        env["stock.picking"].concat(
            *(picking for picking, _at, _created in receipts)
        )._action_done()
        for picking, received_at, created in receipts:
            _backdate(picking, received_at, created)

    returns = []
    for plan, order in active:
        for returned_at, line_index, qty in plan["returns"]:
            if returned_at <= now and (order, line_index) in received_in:
                returned = _return(
                    env,
                    received_in[order, line_index],
                    order.order_line[line_index],
                    qty,
                )
                returns.append((returned, returned_at))
    returned = env["stock.picking"].concat(*(picking for picking, _at in returns))
    for move in returned.move_ids:
        move.quantity = move.product_uom_qty
        move.picked = True
    returned._action_done()
    for picking, returned_at in returns:
        _backdate(picking, returned_at, returned_at)
    return orders


def _return(env, receipt, line, qty):
    """The return transfer of ``qty`` of ``line`` from ``receipt``, through the
    return wizard (not validated)."""
    wizard = (
        env["stock.return.picking"]
        .with_context(
            active_id=receipt.id,
            active_ids=receipt.ids,
            active_model="stock.picking",
        )
        .create({})
    )
    for return_line in wizard.product_return_moves:
        return_line.quantity = (
            qty if return_line.move_id.purchase_line_id == line else 0
        )
    return wizard._create_return()


def _backdate(picking, when, created):
    """Move a validated transfer to the past: done date of moves, move lines and
    picking."""
    picking = picking.sudo()
    moves = picking.move_ids.filtered(lambda m: m.state == "done")
    moves.write({"date": when})
    moves.move_line_ids.write({"date": when})
    picking.write({"date_done": when, "date": created})


def _create_ratings(env, rng, partners, start, months):
    """Buyers' ratings of service, communication and cooperation, monthly to
    quarterly."""
    admin = env.ref("base.user_admin")
    this_month = start + relativedelta(months=months)
    last_month = this_month - relativedelta(months=1)
    values = []
    for xmlid, profile in PROFILES.items():
        partner, rating = partners[xmlid], profile["ratings"]
        first = max(0, months + profile.get("first_offset", -months))
        for index in range(first, months):
            offset = index - months
            if (index - first) % rating["every"] and offset < rating.get(
                "monthly_from", 0
            ):
                continue
            day = start + relativedelta(months=index, days=rng.randint(14, 26))
            if xmlid == QUIET_LAST_MONTH and day >= last_month - datetime.timedelta(
                days=20
            ):
                continue
            scores = []
            for base in rating["values"](offset):
                score = base + (rng.choice((-1, 1)) if rng.random() < 0.25 else 0)
                scores.append(min(5, max(1, score)))
            values.append(
                {
                    "partner_id": partner.id,
                    "user_id": (partner.buyer_id or admin).id,
                    "date": day,
                    "service": str(scores[0]),
                    "communication": str(scores[1]),
                    "cooperation": str(scores[2]),
                    "note": RATING_NOTES.get(min(scores), False),
                }
            )
    env["supplier.rating"].create(values)


# ------------------------------------------------------------------ scorecards
def _evaluate(env, company, start, today, quiet_partner):
    """Kraljic suggestions, then every past period oldest first; all but the last
    one published."""
    env["res.partner"].with_company(company)._update_kraljic_suggestions(company)
    Scorecard = env["supplier.scorecard"].with_company(company)
    period_type = company.supplier_period_type
    last_from, last_to = periods.previous_period(today, period_type)
    for date_from, date_to in periods.periods_between(start, last_to, period_type):
        Scorecard._evaluate(company, date_from, date_to)
    # The supplier that stopped delivering gets its "no data" scorecard for the last
    # period.
    Scorecard._evaluate(company, last_from, last_to, partners=quiet_partner)
    # Cards without data are never published: they stay drafts.
    Scorecard.search(
        [
            ("company_id", "=", company.id),
            ("date_from", "<", last_from),
            ("state", "=", "draft"),
            ("has_data", "=", True),
        ]
    ).write({"state": "published"})
