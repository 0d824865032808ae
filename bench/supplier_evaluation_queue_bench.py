"""A back-fill as queue jobs against the same back-fill in one process, on the supplier
benchmark's data (bench/supplier_evaluation_queue.sh runs the phases in order).

- ``single``: the last BENCH_QUEUE_MONTHS months (12) of the main company back-filled in
  this process, as the wizard does without queue_job; the cards and alerts are copied
  aside (tables bench_single_cards, bench_single_alerts), then removed.
- ``enqueue``: the same range through the wizard with supplier_evaluation_queue
  installed: one job per month, then the final one; committed for the job runner.
- ``compare``: once the runner has run them, every stored figure of every card (every
  column of supplier_scorecard but the ids and bookkeeping) and every alert against the
  single process's, by SQL, and the wall times side by side. Exit status 3 when a figure
  differs or a job failed.
"""

import datetime
import json
import os
import sys
import time

from common import connect, load_registry, main

MONTHS = int(os.environ.get("BENCH_QUEUE_MONTHS", 12))
NOT_FIGURES = ("id", "access_token", "create_uid", "create_date", "write_uid")
NOT_FIGURES += ("write_date",)
ALERT_KEY = ("company_id", "partner_id", "rule_id", "state")


def _setup(env):
    from dateutil.relativedelta import relativedelta

    from odoo.addons.supplier_evaluation.lib import periods

    company = env.ref("base.main_company")
    Scorecard = env["supplier.scorecard"]
    first_day, last_day = periods.previous_period(
        Scorecard._company_today(company), "month"
    )
    first_day -= relativedelta(months=MONTHS - 1)
    admin = env.ref("base.user_admin")
    wizard = (
        env["supplier.evaluation.wizard"]
        .with_user(admin)
        .with_company(company)
        .create({"company_id": company.id, "date_from": first_day, "date_to": last_day})
    )
    return company, wizard


def _reset(cr, company_id):
    from supplier_evaluation_bench import reset_results

    reset_results(cr, company_id)


def single(args):
    odoo, registry, _load_s, _rss = load_registry(args)
    from odoo.addons.supplier_evaluation.wizard.supplier_evaluation_wizard import (
        SupplierEvaluationWizard as InProcessWizard,
    )

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        company, wizard = _setup(env)
        _reset(cr, company.id)
        cr.commit()
        started = time.perf_counter()
        InProcessWizard.action_evaluate(wizard)
        cr.commit()
        seconds = time.perf_counter() - started
        for table, source in (
            ("bench_single_cards", "supplier_scorecard"),
            ("bench_single_alerts", "supplier_alert"),
        ):
            cr.execute(f"DROP TABLE IF EXISTS {table}")
            cr.execute(
                f"CREATE TABLE {table} AS SELECT * FROM {source} "  # noqa: SQL001
                "WHERE company_id = %s",
                [company.id],
            )
        cr.execute("SELECT COUNT(*) FROM bench_single_cards")
        cards = cr.fetchone()[0]
        _reset(cr, company.id)
        cr.commit()
    print(f"single process: {MONTHS} months, {cards} cards in {seconds:.1f} s")
    _write(args.out, {"single_s": round(seconds, 2), "cards": cards})
    return 0


def enqueue(args):
    odoo, registry, _load_s, _rss = load_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        company, wizard = _setup(env)
        _reset(cr, company.id)
        cr.execute("DELETE FROM queue_job")
        wizard.action_evaluate()
        cr.commit()
        cr.execute("SELECT method_name, COUNT(*) FROM queue_job GROUP BY 1 ORDER BY 1")
        print("queued:", dict(cr.fetchall()))
    return 0


def _differences(cr):
    """The cards of supplier_scorecard against bench_single_cards: {"rows",
    "only_new", "only_single", "different" (cards with any column distinct),
    "columns": {column: cards where it is distinct}, "beyond_rounding": {float column:
    cards where it differs by more than 1e-9 relative}, "not_float": columns distinct
    that are no number}."""
    cr.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE "
        "table_name = 'supplier_scorecard' AND column_name <> ALL(%s) ORDER BY 1",
        [list(NOT_FIGURES)],
    )
    types = dict(cr.fetchall())
    # spend is numeric, but summed from floats: the same rounding noise.
    floats = [n for n, kind in types.items() if kind in ("double precision", "numeric")]
    distinct = [f"COUNT(*) FILTER (WHERE s.{n} IS DISTINCT FROM c.{n})" for n in types]
    beyond = [
        f"COUNT(*) FILTER (WHERE (s.{n} IS NULL) <> (c.{n} IS NULL) OR ABS(s.{n} - "
        f"c.{n}) > 1e-9 * GREATEST(1, ABS(s.{n})))"
        for n in floats
    ]
    new_row = ", ".join(f"c.{name}" for name in types)
    single_row = ", ".join(f"s.{name}" for name in types)
    cr.execute(
        f"""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE s.id IS NULL),
               COUNT(*) FILTER (WHERE c.id IS NULL),
               COUNT(*) FILTER (
                   WHERE ROW({single_row}) IS DISTINCT FROM ROW({new_row})),
               {", ".join(distinct + beyond)}
          FROM bench_single_cards s
          FULL JOIN (
              SELECT * FROM supplier_scorecard WHERE company_id IN (
                  SELECT company_id FROM bench_single_cards)
          ) c USING (company_id, partner_id, date_from)
        """  # noqa: SQL001
    )
    row = cr.fetchone()
    counts = row[4:]
    return {
        "rows": row[0],
        "only_new": row[1],
        "only_single": row[2],
        "different": row[3],
        "columns": {n: c for n, c in zip(types, counts, strict=False) if c},
        "not_float": [
            n for n, c in zip(types, counts, strict=False) if c and n not in floats
        ],
        "beyond_rounding": {
            n: c for n, c in zip(floats, counts[len(types) :], strict=True) if c
        },
    }


def _alert_differences(cr):
    key = ", ".join(ALERT_KEY)
    cr.execute(
        f"""
        SELECT (SELECT COUNT(*) FROM (SELECT {key} FROM bench_single_alerts
                 EXCEPT ALL SELECT {key} FROM supplier_alert) a),
               (SELECT COUNT(*) FROM (SELECT {key} FROM supplier_alert
                 EXCEPT ALL SELECT {key} FROM bench_single_alerts) b),
               (SELECT COUNT(*) FROM bench_single_alerts)
        """  # noqa: SQL001
    )
    return dict(zip(("missing", "extra", "alerts"), cr.fetchone(), strict=True))


def _same(cards, alerts):
    """The same figures: the same cards, the same alerts, no column different but
    numbers within 1e-9 relative (a sum over rows in another order: two runs in one
    process differ so too, see ``again``)."""
    return not (
        cards["only_new"]
        or cards["only_single"]
        or cards["beyond_rounding"]
        or cards["not_float"]
        or alerts["missing"]
        or alerts["extra"]
    )


def again(args):
    """The in-process back-fill a second time, against the first: what the engine
    itself varies between two identical runs (row order of parallel scans and the
    float sums over them)."""
    odoo, registry, _load_s, _rss = load_registry(args)
    from odoo.addons.supplier_evaluation.wizard.supplier_evaluation_wizard import (
        SupplierEvaluationWizard as InProcessWizard,
    )

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "en_US"})
        company, wizard = _setup(env)
        started = time.perf_counter()
        InProcessWizard.action_evaluate(wizard)
        cr.commit()
        seconds = time.perf_counter() - started
        cards, alerts = _differences(cr), _alert_differences(cr)
        _reset(cr, company.id)
        cr.commit()
    result = json.loads(open(args.out).read())
    result["single_again"] = {"s": round(seconds, 2), "cards": cards, "alerts": alerts}
    _write(args.out, result)
    print(
        f"single process again: {seconds:.1f} s; against the first: {cards}, {alerts}"
    )
    return 0


def compare(args):
    with connect(args) as connection, connection.cursor() as cr:
        cards, alerts = _differences(cr), _alert_differences(cr)
        cr.execute(
            "SELECT state, COUNT(*), MIN(date_started), MAX(date_done), "
            "SUM(exec_time) FROM queue_job GROUP BY state"
        )
        states = {row[0]: row[1:] for row in cr.fetchall()}
        cr.execute(
            "SELECT method_name, ROUND(exec_time::numeric, 2) FROM queue_job "
            "ORDER BY date_started"
        )
        jobs = [[name, float(seconds or 0)] for name, seconds in cr.fetchall()]
    result = json.loads(open(args.out).read()) if os.path.exists(args.out) else {}
    done = states.get("done")
    wall = (done[2] - done[1]).total_seconds() if done and done[1] else None
    same = _same(cards, alerts)
    result.update(
        {
            "months": MONTHS,
            "jobs_cards": cards,
            "jobs_alerts": alerts,
            "same": same,
            "job_states": {state: values[0] for state, values in states.items()},
            "jobs_wall_s": round(wall, 2) if wall is not None else None,
            "jobs_exec_s": jobs,
            "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"
            ),
        }
    )
    _write(args.out, result)
    again_cards = result.get("single_again", {}).get("cards", {})
    print(
        f"\n{MONTHS}-month back-fill of the main company\n"
        f"  single process : {result.get('single_s', '?'):>8} s "
        f"(again: {result.get('single_again', {}).get('s', '?')} s)\n"
        f"  as queue jobs  : {result['jobs_wall_s']:>8} s wall (first job started to "
        f"last done), jobs {result['job_states']}\n"
        f"  jobs vs single : {cards['rows']} cards, {cards['different']} with a "
        f"column distinct {cards['columns']}, beyond float rounding "
        f"{cards['beyond_rounding']}; {cards['only_new']} only in the jobs' run, "
        f"{cards['only_single']} only in the single's; alerts {alerts}: "
        f"{'the same' if same else 'NOT THE SAME'}\n"
        f"  single vs single: {again_cards.get('different', '?')} cards with a column "
        f"distinct {again_cards.get('columns', {})}\n"
        f"  per job (s)    : {jobs}"
    )
    failed = set(states) - {"done"}
    return 0 if same and not failed else 3


def _write(out, result):
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as handle:
        json.dump(result, handle, indent=2, default=str)


if __name__ == "__main__":
    sys.exit(
        main(
            __doc__,
            "supplier_evaluation_queue.json",
            None,
            None,
            phases={
                "single": single,
                "again": again,
                "enqueue": enqueue,
                "compare": compare,
            },
        )
    )
