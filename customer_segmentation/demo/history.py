"""Demo sales history, made through Odoo's own sale and invoicing flows.

Called once from ``data/customer_segmentation_demo.xml`` (through
``res.company._customer_segmentation_load_demo``) when the addon is installed with demo
data. Every date is relative to the as-of date given (the company's today). About 190
customers get up to two years of confirmed sale orders (``action_confirm``), posted
invoices (``_create_invoices`` then ``action_post``), a few credit notes, and payments
registered through ``account.payment.register``: early, on time, late, or never (open
and overdue), after each customer's habit.

Each customer follows an archetype (``ARCHETYPES``) whose number of orders and date of
last order place it, by the default quintile scoring, in one cell of the 10-segment R×F
grid today: frequent and recent (Champions), frequent but lapsed 9-15 months ago (Can't
Lose), one order long ago (Hibernating), one order last week (New Customers), and so on.
Order values are spread so that the Pareto tiers show a few strategic customers, more
key ones and a long ordinary tail. A few European customers buy in euros.

The history is made in two steps so that the segmentation has a past: everything up to
``CUT_DAYS`` days ago, then a run as of that day, then the recent orders, invoices and
payments, then a run as of today. The second run records the moves between segments
(transition matrix) and raises activities for customers who slipped from a watched
segment (Champions, Loyal) into an alert one (At Risk).
"""

import datetime
import logging
import math
import random
import time
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command

_logger = logging.getLogger(__name__)

MODULE = "customer_segmentation"
SEED = 1812
CUT_DAYS = 60  # the first segmentation run is "as of" this many days ago
HISTORY_DAYS = 715  # the oldest order: inside the default 24-month window

# Products (xml ids of data/customer_segmentation_demo.xml): list price and quantity
# range.
PRODUCTS = {
    "demo_product_chair": (290.0, 1, 40),
    "demo_product_desk": (640.0, 1, 30),
    "demo_product_divider": (120.0, 2, 60),
    "demo_product_monitor_arm": (95.0, 2, 60),
    "demo_product_cabinet": (410.0, 1, 20),
    "demo_product_conference_table": (1450.0, 1, 4),
    "demo_product_layout": (850.0, 1, 6),
    "demo_product_installation": (65.0, 4, 80),
    "demo_product_maintenance": (1200.0, 1, 3),
}
# What each kind of customer buys (product -> weight). Customers of one kind buy alike,
# so that products bought together show up as cross-sell hints for those who have not
# yet.
FAMILIES = {
    "office": {
        "demo_product_chair": 5,
        "demo_product_desk": 4,
        "demo_product_divider": 3,
        "demo_product_monitor_arm": 3,
        "demo_product_layout": 1,
        "demo_product_installation": 2,
    },
    "storage": {
        "demo_product_cabinet": 5,
        "demo_product_chair": 2,
        "demo_product_maintenance": 2,
        "demo_product_installation": 2,
    },
    "boardroom": {
        "demo_product_conference_table": 3,
        "demo_product_chair": 4,
        "demo_product_monitor_arm": 2,
        "demo_product_layout": 2,
        "demo_product_installation": 2,
    },
}

# Archetypes: how many customers, orders in the window (a range, or a list to draw
# from), days since the last order, days since the first order, and the median order
# value (USD). Named after the segment they land in today.
ARCHETYPES = {
    #  key            count  orders              last        first       value
    "champions": (14, (12, 32), (1, 12), (600, 715), 3800),
    "loyal": (16, (8, 14), (22, 70), (400, 715), 2400),
    "slipping": (
        8,
        (6, 8),
        (115, 150),
        (300, 520),
        2000,
    ),  # Loyal at the first run, At Risk today
    "potential": (24, [2, 2, 3, 3, 4], (2, 40), (70, 210), 1500),
    "new": (12, [1], (1, 10), None, 1400),
    "promising": (11, [1], (14, 45), None, 1100),
    "attention": (16, [3, 4, 5], (75, 125), (250, 600), 1200),
    "sleep": (18, [1, 2], (75, 140), (100, 320), 800),
    "at_risk": (20, (4, 7), (180, 400), (450, 715), 1500),
    "cant_lose": (10, (12, 24), (270, 450), (640, 715), 3000),
    "hibernating": (36, [1, 1, 2], (250, 700), (300, 715), 650),
}
# Payment habits: share of customers, days paid after the due date (negative: early),
# share of invoices left unpaid.
HABITS = {
    "early": (0.25, (-12, -2), 0.0),
    "on_time": (0.35, (-2, 1), 0.0),
    "late": (0.28, (5, 40), 0.02),
    "bad": (0.12, (20, 75), 0.45),
}
# Payment terms (xml id in account, days) and their share of customers.
TERMS = [
    ("account.account_payment_term_immediate", 0, 0.15),
    ("account.account_payment_term_15days", 15, 0.20),
    ("account.account_payment_term_30days", 30, 0.50),
    ("account.account_payment_term_45days", 45, 0.15),
]
REFUND_SHARE = 0.015  # invoices credited in full (damaged goods), instead of being paid

PREFIXES = [
    "Northwind",
    "Bluepeak",
    "Cedar Point",
    "Ironbridge",
    "Harborview",
    "Silverline",
    "Redwood",
    "Summit",
    "Oakmont",
    "Brightwater",
    "Granite",
    "Meridian",
    "Lakeside",
    "Pinecrest",
    "Riverstone",
    "Westgate",
    "Eastfield",
    "Highland",
    "Clearview",
    "Foxglove",
    "Stonebrook",
    "Maple Leaf",
    "Sterling",
    "Coastal",
    "Evergreen",
    "Sunrise",
    "Crescent",
    "Fairway",
    "Kingsley",
    "Lighthouse",
    "Orchard",
    "Quarry",
    "Trident",
    "Union Square",
    "Vantage",
    "Willow Creek",
    "Zenith",
    "Atlas",
    "Beacon",
    "Copperfield",
]
SUFFIXES = [
    "Architects",
    "Dental Group",
    "Law Partners",
    "Logistics",
    "Consulting",
    "Accounting",
    "Realty",
    "Medical Center",
    "Engineering",
    "Insurance",
    "Coworking",
    "Design Studio",
    "Marketing",
    "Software",
    "Academy",
    "Hotels",
    "Clinic",
    "Capital",
    "Print Shop",
    "Labs",
]
US_CITIES = [
    "Boston",
    "Chicago",
    "Denver",
    "Austin",
    "Seattle",
    "Portland",
    "Atlanta",
    "Phoenix",
    "San Diego",
    "Minneapolis",
    "Nashville",
    "Raleigh",
    "Columbus",
    "Pittsburgh",
    "Salt Lake City",
    "Baltimore",
]
# European customers buy in euros: (name, city, country xml id).
EUR_CUSTOMERS = [
    ("Bürohaus Keller GmbH", "München", "base.de"),
    ("Atelier Moreau SARL", "Lyon", "base.fr"),
    ("Van Dijk Interieur B.V.", "Utrecht", "base.nl"),
    ("Studio Rinaldi S.r.l.", "Milano", "base.it"),
    ("Oficinas Prado S.L.", "Madrid", "base.es"),
    ("De Smet Architecten BV", "Gent", "base.be"),
    ("Hoffmann Planungsbüro", "Hamburg", "base.de"),
    ("Maison Lefèvre & Fils", "Bordeaux", "base.fr"),
    ("Lindholm Kontor ApS", "Aarhus", "base.dk"),
    ("Brouwer & Zonen B.V.", "Rotterdam", "base.nl"),
]
# Which archetypes the European customers follow (one each, so that they spread over
# segments).
EUR_ARCHETYPES = [
    "champions",
    "loyal",
    "potential",
    "new",
    "promising",
    "attention",
    "sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
]
FIRST_NAMES = [
    "Alex",
    "Jordan",
    "Taylor",
    "Morgan",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Reese",
    "Dana",
    "Robin",
    "Sam",
    "Charlie",
    "Drew",
    "Emery",
    "Finley",
    "Harper",
    "Kendall",
    "Logan",
]
LAST_NAMES = [
    "Miller",
    "Garcia",
    "Chen",
    "Novak",
    "Okafor",
    "Larsen",
    "Rossi",
    "Dubois",
    "Schmidt",
    "Patel",
    "Kim",
    "Silva",
    "Walsh",
    "Nguyen",
    "Brennan",
    "Costa",
    "Fischer",
    "Haddad",
    "Ivanova",
    "Moreau",
]


def eur_rate(day):
    """Euros per US dollar on ``day``: a slow wave around 0.92 (monthly rates of the
    demo)."""
    months = day.year * 12 + day.month
    return round(0.92 + 0.035 * math.sin(months / 4.0), 4)


def plan_history(today, seed=SEED):
    """The demo customers and their orders, invoices, credit notes and payments (no
    records).

    Pure Python, so the spread over segments can be checked without a database. Dates
    are days before ``today``; each order gets a UTC datetime on working hours.
    """
    rng = random.Random(seed)
    names = rng.sample(
        [f"{p} {s}" for p in PREFIXES for s in SUFFIXES],
        sum(a[0] for a in ARCHETYPES.values()),
    )
    eur_by_archetype = dict(zip(EUR_ARCHETYPES, EUR_CUSTOMERS, strict=False))
    customers = []
    for archetype, (count, n_orders, last, first, value) in ARCHETYPES.items():
        for index in range(count):
            name, city, country, eur = (
                names.pop(),
                rng.choice(US_CITIES),
                "base.us",
                False,
            )
            if index == 0 and archetype in eur_by_archetype:
                (name, city, country), eur = eur_by_archetype[archetype], True
            customers.append(
                _plan_customer(
                    rng,
                    today,
                    archetype,
                    name,
                    city,
                    country,
                    eur,
                    n_orders,
                    last,
                    first,
                    value,
                )
            )
    return customers


def _plan_customer(
    rng, today, archetype, name, city, country, eur, n_orders, last, first, value
):
    term, term_days = _pick(rng, [(t[:2], t[2]) for t in TERMS])
    habit = _pick(rng, [(h, spec[0]) for h, spec in HABITS.items()])
    family = rng.choice(list(FAMILIES))
    count = (
        rng.choice(n_orders) if isinstance(n_orders, list) else rng.randint(*n_orders)
    )
    last_day = rng.randint(*last)
    days = [last_day]
    if count > 1:
        first_day = max(rng.randint(*first), last_day + count * 3)
        first_day = min(first_day, HISTORY_DAYS)
        days.append(first_day)
        days += [rng.randint(last_day + 1, first_day - 1) for _i in range(count - 2)]
    size = value * math.exp(rng.gauss(0, 0.7))
    customer = {
        "name": name,
        "archetype": archetype,
        "city": city,
        "country": country,
        "eur": eur,
        "family": family,
        "habit": habit,
        "term": term,
        "user": rng.choice(["base.user_admin", "base.user_admin", "base.user_demo"]),
        "contact": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        if rng.random() < 0.35
        else None,
        "orders": [],
    }
    (pay_low, pay_high), unpaid = HABITS[habit][1], HABITS[habit][2]
    for day in sorted(days, reverse=True):  # oldest first
        ordered = today - datetime.timedelta(days=day)
        at = datetime.datetime.combine(
            ordered, datetime.time(rng.randint(8, 15), rng.randint(0, 59))
        )
        order = {
            "date": at,
            "lines": _plan_lines(rng, family, size * math.exp(rng.gauss(0, 0.35))),
        }
        invoiced = ordered + datetime.timedelta(days=rng.randint(0, 4))
        if day >= 3 and invoiced <= today:
            order["invoice"] = invoiced
            due = invoiced + datetime.timedelta(days=term_days)
            if rng.random() < REFUND_SHARE:
                order["refund"] = min(
                    today, invoiced + datetime.timedelta(days=rng.randint(5, 20))
                )
            elif rng.random() >= unpaid:
                paid = due + datetime.timedelta(days=rng.randint(pay_low, pay_high))
                paid = max(paid, invoiced)
                if paid <= today:
                    order["payment"] = paid
        customer["orders"].append(order)
    return customer


def _plan_lines(rng, family, target):
    weights = FAMILIES[family]
    products = list(weights)
    count = min(len(products), rng.choice([1, 1, 2, 2, 3]))
    chosen = []
    while len(chosen) < count:
        if rng.random() < 0.08:  # now and then something outside the usual basket
            product = rng.choice(list(PRODUCTS))
        else:
            product = rng.choices(products, [weights[p] for p in products])[0]
        if product not in chosen:
            chosen.append(product)
    lines = []
    for product in chosen:
        price, low, high = PRODUCTS[product]
        qty = min(high, max(low, round(target / count / price)))
        lines.append((product, qty))
    return lines


def _pick(rng, choices):
    """One value from (value, weight) pairs."""
    return rng.choices([c[0] for c in choices], [c[1] for c in choices])[0]


def _release(env):
    """Write pending changes and empty the cache of the (one, long) install transaction.

    Flushing lets the cache be dropped; an empty cache keeps the records (and the
    environments they hold) of earlier steps from being carried, and compared, through
    the rest of the history.
    """
    env.flush_all()
    env.invalidate_all()


def generate_history(env, company, as_of, seed=SEED):
    """Customers and two years of sales up to ``as_of`` (the company's today), then a
    segmentation as of CUT_DAYS earlier and one as of ``as_of``."""
    env = (
        env["res.company"]
        .sudo()
        .with_company(company)
        .with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_notrack=True,
            mail_create_nosubscribe=True,
            mail_auto_subscribe_no_notify=True,
        )
        .env
    )
    company = company.with_env(env)
    cut = as_of - datetime.timedelta(days=CUT_DAYS)
    started, cpu = time.perf_counter(), time.process_time()
    _euro(env, company, as_of)
    plans = plan_history(as_of, seed)
    partners = _partners(env, plans)
    products = {key: env.ref(f"{MODULE}.{key}").product_variant_id for key in PRODUCTS}
    terms = {ref: env.ref(ref) for ref in {plan["term"] for plan in plans}}
    events = _events(env, plans, partners, products, terms)

    Run = env["customer.segmentation.run"]
    _execute(env, company, events, until=cut)
    Run._run_company(company, as_of=cut)
    _execute(env, company, events, until=as_of)
    _deliver(env, env["sale.order"].concat(*(e["order"] for e in events)), as_of)
    Run._run_company(company, as_of=as_of)
    _quotations(env, plans, partners, products, as_of)
    _logger.info(
        "Customer segmentation demo: %s customers, %s orders made in %.0f s (%.0f "
        "s CPU)",
        len(plans),
        len(events),
        time.perf_counter() - started,
        time.process_time() - cpu,
    )


# ------------------------------------------------------------------ master data
def _euro(env, company, today):
    """A euro rate at the start of each month of the history."""
    eur = env.ref("base.EUR")
    start = (today - datetime.timedelta(days=HISTORY_DAYS + 31)).replace(day=1)
    existing = set(
        env["res.currency.rate"]
        .search(
            [
                ("currency_id", "=", eur.id),
                ("company_id", "=", company.id),
                ("name", ">=", start),
            ]
        )
        .mapped("name")
    )
    values, day = [], start
    while day <= today:
        if day not in existing:
            values.append(
                {
                    "currency_id": eur.id,
                    "company_id": company.id,
                    "name": day,
                    "rate": eur_rate(day),
                }
            )
        day += relativedelta(months=1)
    env["res.currency.rate"].create(values)


def _partners(env, plans):
    """One company per plan (with a contact who orders for about a third of
    them)."""
    eur_pricelist = env.ref(f"{MODULE}.demo_pricelist_eur")
    countries = {ref: env.ref(ref) for ref in {plan["country"] for plan in plans}}
    users = {ref: env.ref(ref) for ref in {plan["user"] for plan in plans}}
    terms = {ref: env.ref(ref) for ref in {plan["term"] for plan in plans}}
    values = []
    for plan in plans:
        slug = "".join(c for c in plan["name"].lower() if c.isalnum())[:24]
        values.append(
            {
                "name": plan["name"],
                "is_company": True,
                "customer_rank": 1,
                "city": plan["city"],
                "country_id": countries[plan["country"]].id,
                "user_id": users[plan["user"]].id,
                "email": f"purchasing@{slug}.example.com",
                "property_payment_term_id": terms[plan["term"]].id,
            }
        )
    companies = env["res.partner"].create(values)
    contacts = env["res.partner"].create(
        [
            {
                "name": plan["contact"],
                "parent_id": partner.id,
                "type": "contact",
                "email": "{}@{}".format(
                    plan["contact"].split()[0].lower(), partner.email.split("@")[1]
                ),
            }
            for plan, partner in zip(plans, companies, strict=False)
            if plan["contact"]
        ]
    )
    contact_of = {contact.parent_id.id: contact for contact in contacts}
    eur_companies = env["res.partner"].concat(
        *(p for plan, p in zip(plans, companies, strict=False) if plan["eur"])
    )
    eur_companies.write({"property_product_pricelist": eur_pricelist.id})
    return [(partner, contact_of.get(partner.id, partner)) for partner in companies]


# ------------------------------------------------------------------ history
def _events(env, plans, partners, products, terms):
    """Flatten the plans into dated order records to make (sorted oldest first)."""
    eur_pricelist = env.ref(f"{MODULE}.demo_pricelist_eur")
    events = []
    for plan, (partner, buyer) in zip(plans, partners, strict=False):
        for order in plan["orders"]:
            rate = eur_rate(order["date"].date()) if plan["eur"] else 1.0
            events.append(
                {
                    **order,
                    "values": {
                        "partner_id": buyer.id,
                        "user_id": partner.user_id.id,
                        **({"pricelist_id": eur_pricelist.id} if plan["eur"] else {}),
                        "payment_term_id": terms[plan["term"]].id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": products[key].id,
                                    "product_uom_qty": qty,
                                    "price_unit": round(PRODUCTS[key][0] * rate, 2),
                                    "tax_id": [Command.clear()],
                                }
                            )
                            for key, qty in order["lines"]
                        ],
                    },
                    "done": set(),
                }
            )
    events.sort(key=lambda event: event["date"])
    return events


def _execute(env, company, events, until):
    """Make every order, invoice, credit note and payment dated ``until`` or
    earlier."""
    todo = [e for e in events if "order" not in e["done"] and e["date"].date() <= until]
    if todo:
        orders = env["sale.order"].create(
            [dict(e["values"], company_id=company.id) for e in todo]
        )
        orders.action_confirm()
        for event, order in zip(todo, orders, strict=False):
            order = (
                order.with_prefetch()
            )  # one by one: no recomputing for the whole batch
            order.write({"date_order": event["date"]})
            event["order"] = order
            event["done"].add("order")

    _release(env)
    # Invoices: one per order, dated a few days after it. All of them in one batch
    # (one _create_invoices, then each day's invoices get their date as a user sets
    # it on the form, which brings the day's euro rate and due date), then posted at
    # once (Odoo numbers them by date). One call per day took most of the demo's
    # time.
    to_invoice = sorted(
        (
            e
            for e in events
            if "order" in e["done"]
            and "invoice" not in e["done"]
            and e.get("invoice")
            and e["invoice"] <= until
        ),
        key=lambda event: event["invoice"],
    )
    if to_invoice:
        orders = env["sale.order"].concat(*(e["order"] for e in to_invoice))
        moves = orders._create_invoices(grouped=True)
        by_day = defaultdict(list)
        for event in to_invoice:
            event["move"] = event["order"].invoice_ids.with_prefetch()
            by_day[event["invoice"]].append(event["move"].id)
        for day, move_ids in by_day.items():
            moves.browse(move_ids).write({"invoice_date": day})
        moves.action_post()
        for event in to_invoice:
            event["done"].add("invoice")
        _release(env)
    # Credit notes: the whole invoice, reconciled with it.
    for event in events:
        if (
            "invoice" in event["done"]
            and "refund" not in event["done"]
            and event.get("refund")
            and event["refund"] <= until
        ):
            event["move"]._reverse_moves(
                [
                    {
                        "invoice_date": event["refund"],
                        "date": event["refund"],
                        "ref": "Damaged in transport",
                    }
                ],
                cancel=True,
            )
            event["done"].add("refund")

    # Payments: one register-payment wizard for every invoice paid in this step,
    # each paid on its own day. The wizard makes them as its button does when
    # payments are not grouped (one batch per invoice, see _create_payments), and
    # each payment gets the day its customer paid: one create, one post and the
    # reconciliations for all.
    to_pay = sorted(
        (
            e
            for e in events
            if "invoice" in e["done"]
            and "payment" not in e["done"]
            and e.get("payment")
            and e["payment"] <= until
        ),
        key=lambda event: event["payment"],
    )
    if not to_pay:
        return
    journal = env["account.journal"].search(
        [("type", "=", "bank"), ("company_id", "=", company.id)], limit=1
    )
    moves = env["account.move"].concat(*(e["move"] for e in to_pay))
    paid_on = {e["move"].id: e["payment"] for e in to_pay}
    wizard = (
        env["account.payment.register"]
        .with_context(
            active_model="account.move",
            active_ids=moves.ids,
        )
        .create(
            {
                "payment_date": until,
                "journal_id": journal.id,
                "group_payment": False,
            }
        )
    )
    to_process = []
    for batch in wizard.batches:
        for line in batch["lines"]:
            single = {
                **batch,
                "lines": line,
                "payment_values": {
                    **batch["payment_values"],
                    "payment_type": "inbound" if line.balance > 0 else "outbound",
                },
            }
            values = wizard._create_payment_vals_from_batch(single)
            values["date"] = paid_on[line.move_id.id]
            to_process.append(
                {"create_vals": values, "to_reconcile": line, "batch": single}
            )
    to_process.sort(
        key=lambda item: (
            item["create_vals"]["date"],
            item["to_reconcile"].move_id.id,
        )
    )
    wizard._init_payments(to_process)
    wizard._post_payments(to_process)
    wizard._reconcile_payments(to_process)
    for event in to_pay:
        event["done"].add("payment")
    _release(env)


def _deliver(env, orders, until):
    """With Inventory installed, deliver the goods a few days after each order."""
    if "picking_ids" not in orders._fields:
        return
    rng = random.Random(SEED + len(orders))
    pickings = env["stock.picking"]
    dates = {}
    for order in orders:
        delivered = order.date_order + datetime.timedelta(
            days=rng.randint(1, 5), hours=rng.randint(0, 3)
        )
        for picking in order.picking_ids.filtered(
            lambda p: p.state not in ("done", "cancel")
        ):
            if delivered.date() > until:
                continue
            pickings |= picking
            dates[picking.id] = delivered
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
        move.picked = True
    pickings._action_done()
    for picking in pickings:
        when = dates[picking.id]
        moves = picking.move_ids.filtered(lambda m: m.state == "done")
        moves.write({"date": when})
        moves.move_line_ids.write({"date": when})
        picking.write({"date_done": when})


def _quotations(env, plans, partners, products, today):
    """A few open quotations of recent customers, for the service note on the
    quotation form."""
    rng = random.Random(SEED)
    recent = [
        (plan, pair)
        for plan, pair in zip(plans, partners, strict=False)
        if plan["archetype"] in ("champions", "loyal", "potential", "new")
        and not plan["eur"]
    ]
    values = []
    for plan, (_partner, buyer) in rng.sample(recent, min(12, len(recent))):
        values.append(
            {
                "partner_id": buyer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[key].id,
                            "product_uom_qty": qty,
                            "tax_id": [Command.clear()],
                        }
                    )
                    for key, qty in _plan_lines(rng, plan["family"], 2000)
                ],
            }
        )
    quotations = env["sale.order"].create(values)
    for quotation in quotations:
        quotation.date_order = datetime.datetime.combine(
            today - datetime.timedelta(days=rng.randint(0, 6)),
            datetime.time(rng.randint(8, 15)),
        )
