"""What the benchmarks share: the command line, the database connection, loading the
ORM, the bare scan and its ratios, step and query timing, memory, the report and the
JSON file.

Imported by bench/*_bench.py (run as scripts, so this folder is on ``sys.path``). Only
the database given on the command line (a local throwaway cluster) is ever contacted.
"""

import argparse
import datetime
import io
import json
import os
import pstats
import resource
import threading
import time

import psycopg2

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def env_int(name, default):
    return int(os.environ.get(name, default))


def rss_kib():
    """Current resident set size of this process, KiB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def peak_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def load_average():
    return [round(value, 2) for value in os.getloadavg()]


def connect(args):
    return psycopg2.connect(
        host=args.db_host,
        port=args.db_port,
        user=args.db_user,
        password=args.db_password,
        dbname=args.db_name,
    )


def load_registry(args):
    """Odoo's registry of the scratch database: (odoo, registry, seconds to load it,
    resident memory before loading it in KiB)."""
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [
            "--db_host",
            args.db_host,
            "--db_port",
            str(args.db_port),
            "--db_user",
            args.db_user,
            "--db_password",
            args.db_password,
            "-d",
            args.db_name,
            "--addons-path",
            args.addons_path,
            "--log-level",
            "warn",
            "--no-http",
            "--max-cron-threads",
            "0",
        ]
    )
    rss_start = rss_kib()
    t = time.perf_counter()
    registry = Registry(args.db_name)
    return odoo, registry, time.perf_counter() - t, rss_start


def run_facts():
    """When and where the measure phase runs (the start of every result)."""
    return {
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "addon_source": os.environ.get("BENCH_ADDON_SOURCE", "?"),
        "cpus": os.cpu_count(),
        "load_average_start": load_average(),
    }


# ------------------------------------------------------------------ generate
def generate_database(args, params, statements, summarize):
    """Run the set-based ``statements`` ((name, SQL) pairs) with ``params`` in one
    transaction, VACUUM ANALYZE, then store the sizes, timings and ``summarize(cr)``
    (a dict) in bench_meta for the measure phase."""
    print(f"sizes: {params}", flush=True)
    conn = connect(args)
    steps = {}
    started = time.perf_counter()
    with conn:
        with conn.cursor() as cr:
            for name, statement in statements:
                t = time.perf_counter()
                cr.execute(statement, params)
                steps[name] = round(time.perf_counter() - t, 2)
                print(f"  {name:<22} {steps[name]:8.2f} s", flush=True)
    conn.autocommit = True
    with conn.cursor() as cr:
        t = time.perf_counter()
        cr.execute("VACUUM ANALYZE")
        steps["vacuum analyze"] = round(time.perf_counter() - t, 2)
        print(f"  {'vacuum analyze':<22} {steps['vacuum analyze']:8.2f} s", flush=True)
        total = round(time.perf_counter() - started, 2)
        summary = summarize(cr)
        meta = {"sizes": params, "steps_s": steps, "total_s": total, "data": summary}
        cr.execute(
            "INSERT INTO bench_meta (key, value) VALUES ('generate', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [json.dumps(meta)],
        )
    conn.close()
    print(
        f"generated in {total:.1f} s: "
        + ", ".join(f"{k}={v}" for k, v in summary.items()),
        flush=True,
    )


def generated(cr):
    """What the generate phase stored (None if it did not run)."""
    cr.execute("SELECT value FROM bench_meta WHERE key = 'generate'")
    row = cr.fetchone()
    return row[0] if row else None


# ------------------------------------------------------------------ bare scan and ratio
def bare_scan(cr, queries, params, label="bare scan"):
    """Run each query twice; the second (warm) run counts. Returns ({name: {s, rows,
    result}}, total seconds) and prints them."""
    scan = {}
    for _attempt in (1, 2):
        for name, query in queries.items():
            t = time.perf_counter()
            cr.execute(query, params)
            rows = cr.fetchall()
            scan[name] = {
                "s": time.perf_counter() - t,
                "rows": rows[0][0],
                "result": rows[0],
            }
    scan_s = sum(item["s"] for item in scan.values())
    print(
        f"{label} (warm): {scan_s:.3f} s  "
        + ", ".join(
            f"{name} {item['s']:.3f} s / {item['rows']} rows"
            for name, item in scan.items()
        ),
        flush=True,
    )
    return scan, scan_s


def scan_figures(scan):
    """The scan's timings for the JSON."""
    return {
        name: {"s": round(item["s"], 4), "rows": item["rows"]}
        for name, item in scan.items()
    }


def ratio(seconds, scan_s):
    """How many times the bare scan ``seconds`` took (None without a scan)."""
    return round(seconds / scan_s, 2) if scan_s else None


# ------------------------------------------------------------------ steps and queries
class StepTimer:
    """Wraps methods of registry classes (this process only) and sums their time.

    ``targets``: (model class, method names) pairs; names a class lacks are skipped
    (an older or smaller addon version).
    """

    def __init__(self, *targets):
        self.totals = {}
        self.calls = {}
        for model_class, names in targets:
            for name in names:
                original = getattr(model_class, name, None)
                if original is not None:
                    setattr(model_class, name, self._wrap(name, original))

    def _wrap(self, name, original):
        def timed(model, *args, **kwargs):
            t = time.perf_counter()
            try:
                return original(model, *args, **kwargs)
            finally:
                self.totals[name] = self.totals.get(name, 0.0) + time.perf_counter() - t
                self.calls[name] = self.calls.get(name, 0) + 1

        return timed

    def take(self):
        totals, self.totals, self.calls = self.totals, {}, {}
        return {name: round(value, 3) for name, value in totals.items()}


def _query_text(query, width):
    text = query.decode(errors="replace") if isinstance(query, bytes) else str(query)
    return " ".join(text.split())[:width]


class QueryLog:
    """The SQL statements run by this thread (Odoo's query_hooks): their number and
    time, the ``keep`` slowest (text cut at ``width``), and every statement when
    ``keep_all``."""

    def __init__(self, keep=8, width=200, keep_all=False):
        self.keep, self.width = keep, width
        self.queries = [] if keep_all else None  # (seconds, query)
        self.slowest_kept = []  # (seconds, text), slowest first
        self.count = 0
        self.total = 0.0

    def __enter__(self):
        thread = threading.current_thread()
        self._previous = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*self._previous, self.hook)
        return self

    def hook(self, cr, query, params, start, delay):
        self.count += 1
        self.total += delay
        if self.queries is not None:
            self.queries.append((delay, query))
        if len(self.slowest_kept) < self.keep or delay > self.slowest_kept[-1][0]:
            self.slowest_kept.append((delay, _query_text(query, self.width)))
            self.slowest_kept.sort(key=lambda item: -item[0])
            del self.slowest_kept[self.keep :]

    def __exit__(self, *exc):
        threading.current_thread().query_hooks = self._previous

    def slowest(self, count=None):
        return [
            {"s": round(delay, 3), "query": text}
            for delay, text in self.slowest_kept[:count]
        ]

    def report(self):
        return {
            "queries": self.count,
            "sql_s": round(self.total, 3),
            "slowest": self.slowest(),
        }


def write_profile(profiler, out, sorts):
    """Save a cProfile next to the JSON (``.prof``) with its text summary
    (``.profile.txt``): ``sorts`` are (sort key, lines) pairs."""
    base = os.path.splitext(out)[0]
    os.makedirs(os.path.dirname(base) or ".", exist_ok=True)
    profiler.dump_stats(base + ".prof")
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    for key, lines in sorts:
        stats.sort_stats(key).print_stats(lines)
    with open(base + ".profile.txt", "w") as summary:
        summary.write(text.getvalue())
    return base + ".prof"


def memory_figures(rss_start, rss_orm, peak_orm, peak, added_key):
    """Resident memory at the start and with the ORM loaded, and the peak, KiB."""
    return {
        "rss_start_kib": rss_start,
        "rss_after_orm_kib": rss_orm,
        "peak_after_orm_kib": peak_orm,
        "peak_rss_kib": peak,
        added_key: peak - rss_orm,
    }


# ------------------------------------------------------------------ report and output
def print_table(title, rows, extra_width):
    width = max(len(name) for name, _value in rows)
    print(f"\n{title}")
    print("-" * (width + extra_width))
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("-" * (width + extra_width))


def print_targets(targets):
    print(
        "targets: "
        + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in targets.items())
    )


def write_json(out, result):
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as stream:
        json.dump(result, stream, indent=2, default=str)
    print(f"\nJSON written to {out}")


def main(doc, out_name, generate, measure, argv=None, phases=None):
    """The command line of a benchmark: ``generate`` or ``measure`` one scratch
    database (or one of ``phases``, {name: function(args) -> exit status}, instead)."""
    phases = phases or {"generate": generate, "measure": measure}
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("phase", choices=tuple(phases))
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, required=True)
    parser.add_argument("--db-user", default="odoo")
    parser.add_argument("--db-password", default="odoo")
    parser.add_argument("--db-name", required=True)
    parser.add_argument("--addons-path", default="")
    parser.add_argument(
        "--out",
        default=os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "out", out_name
        ),
    )
    args = parser.parse_args(argv)
    if args.db_host not in LOCAL_HOSTS and not args.db_host.startswith("/"):
        parser.error("the benchmark only talks to a local throwaway cluster")
    status = phases[args.phase](args)
    return 0 if args.phase == "generate" else status


def take_steps(timings):
    """The seconds of each named step in ``timings`` (a dict an engine fills), rounded;
    empties it for the next run."""
    steps = {name: round(value, 3) for name, value in timings.items()}
    timings.clear()
    return steps
