"""Learned lead times of one company: load the receipts -> lib.leadtimes -> write one
``supplier_lead_time`` row per vendor priceline, in bulk.

The receipts are those the scorecards count (engine.py): done moves from a supplier
location on a confirmed order line of the company, a receipt recorded twice counted
once, the lead time from the order's confirmation (``date_approve``) to the move's
``date``, as purchase plans it (``date_planned = date_order + supplierinfo.delay``).

    measure(env, company, as_of)  # rows written
"""

import numpy as np
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL

from .engine import SAME_RECEIPT, _columns, _sql
from .lib import leadtimes, sqlarrays


def load_receipts(env, company, start, end):
    """(commercial vendor, product template, days) of each receipt done in [start,
    end) (naive UTC)."""
    env.cr.execute(
        SQL(
            """
        SELECT partner, product_tmpl_id, days FROM (
            SELECT p.commercial_partner_id AS partner, pp.product_tmpl_id,
                   (EXTRACT(EPOCH FROM (m.date - o.date_approve)) / 86400.0)::float8
                       AS days,
                   ROW_NUMBER() OVER (PARTITION BY %(same_receipt)s ORDER BY m.id)
                       AS copy_no
              FROM stock_move m
              JOIN stock_location src ON src.id = m.location_id
              JOIN purchase_order_line l ON l.id = m.purchase_line_id
              JOIN purchase_order o ON o.id = l.order_id
              JOIN res_partner p ON p.id = o.partner_id
              JOIN product_product pp ON pp.id = m.product_id
             WHERE m.company_id = %(company)s
               AND m.state = 'done' AND src.usage = 'supplier'
               AND m.date >= %(start)s AND m.date < %(end)s
               AND o.state IN ('purchase', 'done') AND o.date_approve IS NOT NULL
        ) receipts
         WHERE copy_no = 1
        """,
            same_receipt=SAME_RECEIPT,
            company=company.id,
            start=start,
            end=end,
        )
    )
    # No NULL in these rows: one float array, without a conversion per value.
    rows = np.array(env.cr.fetchall(), dtype=float).reshape(-1, 3)
    return {
        "partner": rows[:, 0].astype(np.int64),
        "product": rows[:, 1].astype(np.int64),
        "days": rows[:, 2],
    }


def _pricelines(env, company):
    """The company's vendor pricelines (its own and the shared ones): id, commercial
    vendor, product template, declared delay."""
    env.cr.execute(
        SQL(
            """
        SELECT si.id, p.commercial_partner_id, si.product_tmpl_id, si.delay
          FROM product_supplierinfo si
          JOIN res_partner p ON p.id = si.partner_id
         WHERE (si.company_id IS NULL OR si.company_id = %s)
           AND si.product_tmpl_id IS NOT NULL
         ORDER BY p.commercial_partner_id, si.product_tmpl_id, si.id
        """,
            company.id,
        )
    )
    return _columns(
        env,
        ("id", "partner", "product", "delay"),
        (np.int64, np.int64, np.int64, float),
    )


def window(env, company, as_of):
    """The company's days of the window ending on ``as_of`` (included): first day,
    last day, and their naive UTC bounds [start, end)."""
    date_from = (
        as_of
        - relativedelta(months=company.supplier_lead_time_months)
        + (relativedelta(days=1))
    )
    start, end = env["supplier.scorecard"]._period_bounds(company, date_from, as_of)
    return date_from, as_of, start, end


def measure(env, company, as_of, timings=None):
    """Replace the company's learned lead times with those of the window ending on
    ``as_of``. Returns the number of pricelines measured."""
    env.flush_all()
    date_from, date_to, start, end = window(env, company, as_of)
    receipts = load_receipts(env, company, start, end)
    keys, counts, values = leadtimes.group_quantiles(
        np.column_stack([receipts["partner"], receipts["product"]]),
        receipts["days"],
    )
    lines = _pricelines(env, company)
    # Every priceline of a (vendor, product) gets that pair's figures.
    found = np.zeros(len(lines["id"]), dtype=bool)
    row = np.zeros(len(lines["id"]), dtype=np.int64)
    if len(keys):
        code = keys[:, 0] * (1 << 32) + keys[:, 1]
        wanted = lines["partner"] * (1 << 32) + lines["product"]
        row = np.minimum(np.searchsorted(code, wanted), len(code) - 1)
        found = code[row] == wanted
    median = values[row, 0][found] if len(keys) else np.zeros(0)
    p80 = values[row, 1][found] if len(keys) else np.zeros(0)
    count = counts[row][found] if len(keys) else np.zeros(0, dtype=np.int64)
    declared = lines["delay"][found]
    basis = median if company.supplier_lead_time_basis == "median" else p80
    differs = leadtimes.differs(
        basis,
        declared,
        company.supplier_lead_time_threshold,
        count,
        company.supplier_lead_time_min_receipts,
    )
    env.cr.execute(
        SQL("DELETE FROM supplier_lead_time WHERE company_id = %s", company.id)
    )
    if found.any():
        uid, now = env.uid, fields.Datetime.now()
        env.cr.execute(
            _sql(
                sqlarrays.insert_rows(
                    "supplier_lead_time",
                    "supplierinfo_id",
                    lines["id"][found],
                    {
                        "partner_id": (lines["partner"][found], "int4"),
                        "product_tmpl_id": (lines["product"][found], "int4"),
                        "receipt_count": (count, "int4"),
                        "median_days": (median, "float8"),
                        "p80_days": (p80, "float8"),
                        "measured_days": (basis, "float8"),
                        "declared_delay": (declared.astype(np.int64), "int4"),
                        "gap_days": (basis - declared, "float8"),
                        "differs": (differs, "bool"),
                    },
                    constants=(
                        ("company_id", company.id),
                        ("date_from", date_from),
                        ("date_to", date_to),
                        ("create_uid", uid),
                        ("create_date", now),
                        ("write_uid", uid),
                        ("write_date", now),
                    ),
                )
            )
        )
    env["supplier.lead.time"].invalidate_model()
    return int(found.sum())
