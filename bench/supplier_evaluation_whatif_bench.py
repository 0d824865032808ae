"""Benchmark of the template what-if; run by bench/supplier_evaluation_whatif.sh.

``generate``  adds BENCH_SUPPLIERS suppliers and their scored scorecards of the last
              BENCH_MONTHS months (the routine template, random raw figures) in
              set-based SQL; then ANALYZE.
``measure``   times a bare scan of those months' scorecards (the columns the preview
              reads, fetched) and the preview of a change of the routine template's
              weights (``_what_if``, and the wizard's whole preview with its HTML),
              each the median of 5 warm runs, and checks that the preview wrote no
              row. Exit 3 when the preview takes 3x the scan or more.
"""

import os
import statistics
import sys
import time

from common import (
    env_int,
    generate_database,
    generated,
    load_registry,
    main,
    print_table,
    print_targets,
    ratio,
    run_facts,
    write_json,
)

TARGET_RATIO = 3.0
RUNS = 5


def sizes():
    return {
        "suppliers": env_int("BENCH_SUPPLIERS", 5000),
        "months": env_int("BENCH_MONTHS", 6),
    }


STATEMENTS = [
    (
        "suppliers",
        """
        INSERT INTO res_partner
            (name, complete_name, type, is_company, active, lang, supplier_rank,
             customer_rank, partner_share, employee, autopost_bills, invoice_warn,
             purchase_warn, picking_warn, create_uid, write_uid, create_date,
             write_date)
        SELECT 'Whatif Supplier ' || k, 'Whatif Supplier ' || k, 'contact', true,
               true, 'en_US', 1, 0, true, false, 'ask', 'no-message', 'no-message',
               'no-message', 1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM generate_series(1, %(suppliers)s) k;
        UPDATE res_partner SET commercial_partner_id = id
         WHERE name LIKE 'Whatif Supplier %%';
        """,
    ),
    (
        "scorecards",
        """
        INSERT INTO supplier_scorecard
            (partner_id, company_id, period_type, state, date_from, date_to,
             has_data, kraljic_class, template_id, total_score, grade,
             on_time_rate, in_full_rate, quality_rate, price_index, service_rating,
             create_uid, write_uid, create_date, write_date)
        SELECT p.id, t.company_id, 'month', 'published', m.d,
               (m.d + interval '1 month - 1 day')::date, true, 'routine', t.id,
               s.total, CASE WHEN s.total >= 85 THEN 'A' WHEN s.total >= 70 THEN 'B'
                             ELSE 'C' END,
               60 + random() * 40, 50 + random() * 50, 85 + random() * 15,
               85 + random() * 35, 1 + random() * 4,
               1, 1, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
          FROM res_partner p
          CROSS JOIN (
              SELECT (date_trunc('month', now()) - k * interval '1 month')::date AS d
                FROM generate_series(1, %(months)s) k) m
          CROSS JOIN LATERAL (SELECT 40 + random() * 60 AS total) s
          JOIN supplier_evaluation_template t
            ON t.kraljic_class = 'routine' AND t.active
           AND t.company_id = (SELECT MIN(id) FROM res_company)
         WHERE p.name LIKE 'Whatif Supplier %%';
        CREATE TABLE IF NOT EXISTS bench_meta (key varchar PRIMARY KEY, value jsonb);
        """,
    ),
]


def summarize(cr):
    cr.execute("SELECT COUNT(*), COUNT(DISTINCT date_from) FROM supplier_scorecard")
    cards, months = cr.fetchone()
    return {"scorecards": cards, "months": months}


def generate(args):
    generate_database(args, sizes(), STATEMENTS, summarize)


def median_seconds(function):
    times = []
    for _run in range(RUNS):
        t = time.perf_counter()
        function()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(args):
    odoo, registry, _load_s, _rss = load_registry(args)
    from odoo.addons.supplier_evaluation.lib.vocabulary import RAW_FIELDS

    result = run_facts()
    with registry.cursor() as cr:
        meta = generated(cr)
        if not meta:
            raise SystemExit("run the generate phase first")
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        template = env["supplier.evaluation.template"].search(
            [("kraljic_class", "=", "routine"), ("company_id", "=", env.company.id)]
        )
        proposal = {
            line.criterion: (line.weight, line.poor_value, line.excellent_value)
            for line in template.line_ids
        }
        # Punctuality instead of price.
        proposal["on_time"] = (proposal["on_time"][0] + 20, 80.0, 100.0)
        proposal["price"] = (proposal["price"][0] - 20, *proposal["price"][1:])
        months = sizes()["months"]
        cr.execute(
            "SELECT count(*), max(write_date), sum(total_score) FROM supplier_scorecard"
        )
        before = cr.fetchone()

        def scan():
            cr.execute(
                f"""
                SELECT id, partner_id, date_from, template_id, has_data, total_score,
                       grade, {", ".join(RAW_FIELDS.values())}
                  FROM supplier_scorecard
                 WHERE company_id = %s AND date_from IN (
                       SELECT DISTINCT date_from FROM supplier_scorecard
                        WHERE company_id = %s ORDER BY date_from DESC LIMIT %s)
                """,
                [env.company.id, env.company.id, months],
            )
            return cr.fetchall()

        scan_rows = len(scan())
        scan_s = median_seconds(scan)
        preview = template._what_if(proposal, months, 85.0, 70.0)
        preview_s = median_seconds(
            lambda: template._what_if(proposal, months, 85.0, 70.0)
        )
        wizard_values = {
            "template_id": template.id,
            "period_count": months,
            "grade_a_min": 85.0,
            "grade_b_min": 70.0,
            "line_ids": [
                (
                    0,
                    0,
                    {
                        "criterion": c,
                        "weight": w,
                        "poor_value": p,
                        "excellent_value": e,
                    },
                )
                for c, (w, p, e) in proposal.items()
            ],
        }

        def wizard_preview():
            # A new (unsaved) wizard each time, as the form's onchange makes it.
            return env["supplier.template.whatif"].new(wizard_values).preview_html

        wizard_s = median_seconds(wizard_preview)
        env.flush_all()
        cr.execute(
            "SELECT count(*), max(write_date), sum(total_score) FROM supplier_scorecard"
        )
        after = cr.fetchone()
        cr.rollback()
    result.update(
        {
            "sizes": meta["sizes"],
            "data": meta["data"],
            "scan_rows": scan_rows,
            "bare_scan_s": round(scan_s, 4),
            "preview_s": round(preview_s, 4),
            "wizard_preview_s": round(wizard_s, 4),
            "ratio_preview_to_scan": ratio(preview_s, scan_s),
            "ratio_wizard_to_scan": ratio(wizard_s, scan_s),
            "rescored_cards": len(preview["card"]),
            "grade_change_count": preview["grade_change_count"],
            "rows_unchanged": before == after,
        }
    )
    targets = {
        "preview under 3x the bare scan": preview_s < TARGET_RATIO * scan_s,
        "wizard preview under 3x the bare scan": wizard_s < TARGET_RATIO * scan_s,
        "no row written": before == after,
    }
    result["targets"] = targets
    print_table(
        "Template what-if (median of 5 warm runs)",
        [
            ("scorecards of the periods", str(scan_rows)),
            ("(a) bare scan", f"{scan_s:.3f} s"),
            (
                "(b) preview (_what_if)",
                f"{preview_s:.3f} s  {ratio(preview_s, scan_s)}x",
            ),
            (
                "(c) wizard preview (HTML)",
                f"{wizard_s:.3f} s  {ratio(wizard_s, scan_s)}x",
            ),
            ("cards changing grade", str(preview["grade_change_count"])),
            ("rows unchanged", str(before == after)),
        ],
        20,
    )
    print_targets(targets)
    write_json(args.out or os.path.join("bench", "out", "whatif.json"), result)
    return 0 if all(targets.values()) else 3


if __name__ == "__main__":
    sys.exit(main(__doc__, "supplier_evaluation_whatif.json", generate, measure))
