#!/usr/bin/env bash
# Benchmark of supplier_evaluation's evaluation engine on a large synthetic purchase history.
#
#   bash bench/supplier_evaluation.sh
#   BENCH_SUPPLIERS=200 BENCH_PRODUCTS=1000 BENCH_LINES=20000 bash bench/supplier_evaluation.sh
#
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 (removed on exit), creates a scratch
# database with supplier_evaluation installed WITHOUT demo data, fills it with bulk SQL
# (phase "generate", one process), then times the engine through the ORM (phase "measure",
# a second process, so its peak memory is the evaluation's alone). Prints a table and writes
# bench/out/supplier_evaluation.json. Connects nowhere but the local cluster.
#
# Environment: BENCH_SUPPLIERS (5000), BENCH_PRODUCTS (20000), BENCH_LINES (1000000),
# BENCH_MONTHS (24), BENCH_SEED (0.42), BENCH_OUT (bench/out/supplier_evaluation.json),
# BENCH_BACKFILL_LIMIT (900: the back-fill stops, and fails, once it has run this many seconds),
# BENCH_BACKFILL_STATS (month: the back-fill starts with the planner statistics of one evaluated
# month; stale: with those of an emptied table, as autovacuum leaves them after a rolled-back attempt),
# BENCH_PROFILE=1 to also write a cProfile of one month's evaluation next to the JSON,
# BENCH_REF=<git revision> to benchmark the addon as committed in that revision (exported with
# 'git archive' into the throwaway folder) instead of the work tree,
# BENCH_BACKFILL_MONTHS (12: the back-fill and its bare scan cover the last months),
# BENCH_GROWTH=1 to run the whole benchmark at 1/4, 1/2, 1 and 2 times the sizes (one
# database each, copied from the freshly installed one) and print the cost per row at
# each scale (bench/out/supplier_evaluation_x<scale>.json, then a summary).
# BENCH_QUEUE_JOB=1 runs bench/supplier_evaluation_queue.sh instead (periods as jobs).
set -euo pipefail
[ -n "${BENCH_QUEUE_JOB:-}" ] && exec bash "$(dirname "$0")/supplier_evaluation_queue.sh"
source "$(dirname "$0")/../setup/common.sh"
source "$(dirname "$0")/common.sh"

supplier_sizes
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/supplier_evaluation.json}
DB_NAME=${DB_NAME:-segeval_bench}

bench_start supplier_evaluation "$DB_NAME"
if [ "${BENCH_GROWTH:-}" != "1" ]; then
    bench_run supplier_evaluation_bench.py \
        "$BENCH_SUPPLIERS suppliers, $BENCH_PRODUCTS products, $BENCH_LINES purchase lines over $BENCH_MONTHS months" \
        "the evaluation engine"
    exit
fi
base_suppliers=$BENCH_SUPPLIERS base_products=$BENCH_PRODUCTS base_lines=$BENCH_LINES
base_out=${BENCH_OUT%.json}
outs=()
rc=0
for scale in 0.25 0.5 1 2; do
    scaled() { awk -v n="$1" -v f="$scale" 'BEGIN { printf "%d", n * f }'; }
    export BENCH_SUPPLIERS BENCH_PRODUCTS BENCH_LINES
    BENCH_SUPPLIERS=$(scaled "$base_suppliers")
    BENCH_PRODUCTS=$(scaled "$base_products")
    BENCH_LINES=$(scaled "$base_lines")
    BENCH_OUT="${base_out}_x$scale.json"
    BENCH_DB="${DB_NAME}_x${scale/./_}"
    psql_odoo -d postgres -c "CREATE DATABASE \"$BENCH_DB\" TEMPLATE \"$DB_NAME\""
    say "Scale x$scale"
    bench_run supplier_evaluation_bench.py \
        "$BENCH_SUPPLIERS suppliers, $BENCH_PRODUCTS products, $BENCH_LINES purchase lines over $BENCH_MONTHS months" \
        "the evaluation engine" || rc=$?
    psql_odoo -d postgres -c "DROP DATABASE \"$BENCH_DB\""
    outs+=("$BENCH_OUT")
done
odoo_py "$REPO_ROOT/bench/supplier_evaluation_bench.py" growth "${outs[@]}"
exit "$rc"
