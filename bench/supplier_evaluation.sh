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
# 'git archive' into the throwaway folder) instead of the work tree.
# BENCH_QUEUE_JOB=1 runs bench/supplier_evaluation_queue.sh instead (periods as jobs).
set -euo pipefail
[ -n "${BENCH_QUEUE_JOB:-}" ] && exec bash "$(dirname "$0")/supplier_evaluation_queue.sh"
source "$(dirname "$0")/../setup/common.sh"
source "$(dirname "$0")/common.sh"

export BENCH_SUPPLIERS=${BENCH_SUPPLIERS:-5000}
export BENCH_PRODUCTS=${BENCH_PRODUCTS:-20000}
export BENCH_LINES=${BENCH_LINES:-1000000}
export BENCH_MONTHS=${BENCH_MONTHS:-24}
export BENCH_SEED=${BENCH_SEED:-0.42}
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/supplier_evaluation.json}
DB_NAME=${DB_NAME:-segeval_bench}

bench_start supplier_evaluation "$DB_NAME"
bench_run supplier_evaluation_bench.py \
    "$BENCH_SUPPLIERS suppliers, $BENCH_PRODUCTS products, $BENCH_LINES purchase lines over $BENCH_MONTHS months" \
    "the evaluation engine"
