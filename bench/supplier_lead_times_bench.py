"""Learned lead times on the supplier benchmark's data; run by
bench/supplier_evaluation.sh after its own phases, on the same scratch database.

``measure``   times a bare SQL scan of the window's receipts (the rows the
              measurement reads, summed by plain aggregates), then
              ``lead_times.measure`` of the main company over the same window
              (warm-up rolled back, then the counted run), and writes JSON
              (BENCH_LEAD_TIMES_OUT, default bench/out/supplier_lead_times.json).

There is no ``generate`` phase of its own: bench/supplier_evaluation_bench.py fills
the database.
"""

import os
import sys
import time

from common import (
    bare_scan,
    generated,
    load_registry,
    main,
    peak_kib,
    print_table,
    ratio,
    run_facts,
    scan_figures,
    write_json,
)

# The same joins and filters as lead_times.load_receipts, summed in the database.
SCAN_QUERIES = {
    "receipts": """
        SELECT COUNT(*), SUM(EXTRACT(EPOCH FROM (m.date - o.date_approve)))
          FROM stock_move m
          JOIN stock_location src ON src.id = m.location_id
          JOIN purchase_order_line l ON l.id = m.purchase_line_id
          JOIN purchase_order o ON o.id = l.order_id
          JOIN res_partner p ON p.id = o.partner_id
          JOIN product_product pp ON pp.id = m.product_id
         WHERE m.company_id = %(company)s
           AND m.state = 'done' AND src.usage = 'supplier'
           AND m.date >= %(start)s AND m.date < %(end)s
           AND o.state IN ('purchase', 'done')
    """,
    "pricelines": "SELECT COUNT(*) FROM product_supplierinfo "
    "WHERE company_id IS NULL OR company_id = %(company)s",
}


def generate(args):
    raise SystemExit("run bench/supplier_evaluation.sh: it generates the data")


def measure(args):
    odoo, registry, _load_s, _rss_start = load_registry(args)
    from odoo.addons.supplier_evaluation import lead_times

    result = run_facts()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        result["generate"] = generated(cr)
        company = env.ref("base.main_company")
        as_of = env["supplier.scorecard"]._company_today(company)
        date_from, date_to, start, end = lead_times.window(env, company, as_of)
        result["window"] = [date_from.isoformat(), date_to.isoformat()]
        scan, scan_s = bare_scan(
            cr, SCAN_QUERIES, {"company": company.id, "start": start, "end": end}
        )
        lead_times.measure(env, company, as_of)
        cr.rollback()
        env.invalidate_all()
        started = time.perf_counter()
        rows = lead_times.measure(env, company, as_of)
        measure_s = time.perf_counter() - started
        cr.execute(
            "SELECT COUNT(*) FILTER (WHERE differs), AVG(receipt_count) "
            "FROM supplier_lead_time WHERE company_id = %s",
            [company.id],
        )
        differing, receipts_per_line = cr.fetchone()
        cr.rollback()
    result.update(
        {
            "scan": scan_figures(scan),
            "scan_s": round(scan_s, 3),
            "measure_s": round(measure_s, 3),
            "ratio_to_scan": ratio(measure_s, scan_s),
            "pricelines_measured": rows,
            "pricelines_differing": differing,
            "receipts_per_priceline": float(receipts_per_line or 0),
            "peak_rss_kib": peak_kib(),
        }
    )
    print_table(
        "Learned lead times",
        [
            ("window", f"{date_from} .. {date_to}"),
            ("receipts scanned", scan["receipts"]["rows"]),
            ("bare scan (warm)", f"{scan_s:.3f} s"),
            ("lead_times.measure", f"{measure_s:.3f} s"),
            ("ratio to the scan", result["ratio_to_scan"]),
            ("pricelines measured", rows),
            ("pricelines differing", differing),
        ],
        30,
    )
    write_json(
        os.environ.get("BENCH_LEAD_TIMES_OUT")
        or os.path.join(os.path.dirname(args.out), "supplier_lead_times.json"),
        result,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(__doc__, "supplier_lead_times.json", generate, measure))
