"""Benchmark of customer_segmentation's cohort report; run by bench/customer_cohorts.sh.

``generate``  the synthetic sales history of bench/customer_segmentation_bench.py (the
              same phase, the same sizes).
``measure``   runs the segmentation once and keeps it (so that the customers have
              their tiers and segments, as the report joins them), then times, warm
              (second of two runs): (a) a bare SQL scan of the same rows, the confirmed
              orders and the posted credit notes summed per customer (as the
              segmentation benchmark scans them), and for comparison per customer and
              month of the company's calendar; (b) the cohort pivot as the web client
              asks it (first-order month x months after, with its three measures)
              through the ORM's ``_read_group``; (c) the revenue retention per tier.
              (a) and (b) are timed in ROUNDS alternating rounds and the best of each
              counts (a loaded machine slows either at random); (a) both with the
              server's settings and with the report's own (its QUERY_SETTINGS), the
              faster counts. Target: (b) under 3x (a). Prints a table and writes JSON.
"""

import sys
import time

import customer_segmentation_bench
from common import (
    bare_scan,
    generated,
    load_registry,
    main,
    print_table,
    print_targets,
    ratio,
    run_facts,
    scan_figures,
    write_json,
)

TARGET_RATIO = 3.0
ROUNDS = 3

# The bare scan: the same rows (every confirmed order and posted credit note of the
# company) reduced by plain aggregates per customer, as the segmentation benchmark scans
# them (no month, time zone or currency).
SCAN_QUERIES = {
    "orders by customer": """
        SELECT COUNT(*), SUM(revenue)
          FROM (SELECT p.commercial_partner_id, SUM(o.amount_untaxed) AS revenue
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.company_id = %(company)s AND o.state = 'sale'
                 GROUP BY 1) s
    """,
    "credit notes": """
        SELECT COUNT(*), SUM(m.amount_untaxed_signed)
          FROM account_move m
          JOIN res_partner p ON p.id = m.partner_id
         WHERE m.company_id = %(company)s AND m.move_type = 'out_refund'
           AND m.state = 'posted'
    """,
}
# For comparison: the same rows per customer and month of the company's calendar.
MONTHLY_SCAN_QUERIES = {
    "orders by customer and month": """
        SELECT COUNT(*), SUM(revenue)
          FROM (SELECT p.commercial_partner_id,
                       date_trunc('month', o.date_order AT TIME ZONE 'UTC'
                                  AT TIME ZONE %(tz)s) AS month,
                       SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1))
                           AS revenue
                  FROM sale_order o
                  JOIN res_partner p ON p.id = o.partner_id
                 WHERE o.company_id = %(company)s AND o.state = 'sale'
                 GROUP BY 1, 2) s
    """,
    "credit notes by customer and month": """
        SELECT COUNT(*), SUM(revenue)
          FROM (SELECT p.commercial_partner_id,
                       date_trunc('month', m.invoice_date) AS month,
                       SUM(m.amount_untaxed_signed) AS revenue
                  FROM account_move m
                  JOIN res_partner p ON p.id = m.partner_id
                 WHERE m.company_id = %(company)s AND m.move_type = 'out_refund'
                   AND m.state = 'posted'
                 GROUP BY 1, 2) s
    """,
}


def timed_twice(function):
    """(seconds of the second, warm call, its result)."""
    function()
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def measure(args):
    odoo, registry, _load_s, _rss = load_registry(args)
    result = run_facts()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        result["generate"] = generated(cr)
        company = env.ref("base.main_company")
        env = env(context={"allowed_company_ids": company.ids})
        started = time.perf_counter()
        # Kept (committed in the scratch database): a repeated measure phase reuses it.
        if not env["customer.profile"].search_count([("company_id", "=", company.id)]):
            env["customer.segmentation.run"]._run_company(company)
            env.flush_all()
            cr.commit()
        result["segmentation_run_s"] = round(time.perf_counter() - started, 2)

        params = {"company": company.id, "tz": company._customer_tz().zone}
        from odoo.addons.customer_segmentation.engine import (  # noqa: PLC0415
            local_settings,
        )
        from odoo.addons.customer_segmentation.report.customer_cohort_report import (  # noqa: PLC0415, E501
            QUERY_SETTINGS,
        )

        Cohorts = env["customer.cohort.report"]
        rounds = []
        for _round in range(ROUNDS):
            scan, scan_s = bare_scan(cr, SCAN_QUERIES, params)
            # The scan does not pay for settings the report gives itself.
            with local_settings(cr, **QUERY_SETTINGS):
                _scan, scan_settings_s = bare_scan(
                    cr, SCAN_QUERIES, params, label="bare scan, report's settings"
                )
            monthly, monthly_s = bare_scan(
                cr, MONTHLY_SCAN_QUERIES, params, label="monthly scan"
            )
            cohort_s, cells = timed_twice(
                lambda: Cohorts._read_group(
                    [("company_id", "=", company.id)],
                    ["cohort_month:month", "month_offset"],
                    ["retention:sum", "cohort_customers:sum", "revenue:sum"],
                )
            )
            print(f"cohort pivot (warm): {cohort_s:.3f} s", flush=True)
            rounds.append(
                {
                    "scan_s": round(scan_s, 3),
                    "scan_report_settings_s": round(scan_settings_s, 3),
                    "monthly_scan_s": round(monthly_s, 3),
                    "cohort_pivot_s": round(cohort_s, 3),
                }
            )
        scan_s = min(
            min(item["scan_s"], item["scan_report_settings_s"]) for item in rounds
        )
        monthly_s = min(item["monthly_scan_s"] for item in rounds)
        cohort_s = min(item["cohort_pivot_s"] for item in rounds)
        Retention = env["customer.revenue.retention.report"]
        retention_s, tiers = timed_twice(
            lambda: Retention._read_group(
                [("company_id", "=", company.id)],
                ["tier"],
                ["retention:sum", "customer_count:sum"],
            )
        )
        customers = sum(row[3] for row in cells)
        result.update(
            {
                "rounds": rounds,
                "scan": scan_figures(scan),
                "scan_s": round(scan_s, 3),
                "monthly_scan": scan_figures(monthly),
                "monthly_scan_s": round(monthly_s, 3),
                "cohort_pivot_s": round(cohort_s, 3),
                "cohort_cells": len(cells),
                "cohort_customers": customers,
                "cohort_ratio": ratio(cohort_s, scan_s),
                "cohort_ratio_monthly_scan": ratio(cohort_s, monthly_s),
                "retention_per_tier_s": round(retention_s, 3),
                "retention_ratio": ratio(retention_s, scan_s),
                "retention_per_tier": {
                    tier or "none": [round(share or 0, 1), count]
                    for tier, share, count in tiers
                },
            }
        )
        cr.rollback()
    targets = {
        f"cohort pivot < {TARGET_RATIO:g}x scan": result["cohort_ratio"] is not None
        and result["cohort_ratio"] < TARGET_RATIO
    }
    result["targets"] = targets
    print_table(
        f"Customer cohorts (best of {ROUNDS} rounds)",
        [
            ("segmentation run (setup)", f"{result['segmentation_run_s']} s"),
            ("bare scan (orders + credit notes)", f"{result['scan_s']} s"),
            ("the same per customer and month", f"{result['monthly_scan_s']} s"),
            (
                "cohort pivot",
                f"{result['cohort_pivot_s']} s ({result['cohort_cells']} cells, "
                f"{customers} customers), {result['cohort_ratio']}x the scan, "
                f"{result['cohort_ratio_monthly_scan']}x the monthly one",
            ),
            (
                "revenue retention per tier",
                f"{result['retention_per_tier_s']} s, "
                f"{result['retention_ratio']}x the scan",
            ),
        ],
        40,
    )
    print_targets(targets)
    write_json(args.out, result)
    return 0 if all(targets.values()) else 3


if __name__ == "__main__":
    sys.exit(
        main(
            __doc__,
            "customer_cohorts.json",
            customer_segmentation_bench.generate,
            measure,
        )
    )
