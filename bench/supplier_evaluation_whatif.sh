#!/usr/bin/env bash
# Benchmark of the template what-if (supplier.evaluation.template._what_if): the preview of a
# change of weights on the last 6 periods' scorecards, against a bare scan of those scorecards.
#
#   bash bench/supplier_evaluation_whatif.sh
#   BENCH_SUPPLIERS=500 bash bench/supplier_evaluation_whatif.sh
#
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 (removed on exit), creates a scratch
# database with supplier_evaluation installed WITHOUT demo data, fills it with scored
# scorecards in bulk SQL (phase "generate"), then times the preview (phase "measure", a second
# process). Prints a table and writes bench/out/supplier_evaluation_whatif.json. Target: the
# preview in under 3x the bare scan, and no row written.
#
# Environment: BENCH_SUPPLIERS (5000), BENCH_MONTHS (6), BENCH_OUT.
set -euo pipefail
source "$(dirname "$0")/../setup/common.sh"
source "$(dirname "$0")/common.sh"

export BENCH_SUPPLIERS=${BENCH_SUPPLIERS:-5000}
export BENCH_MONTHS=${BENCH_MONTHS:-6}
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/supplier_evaluation_whatif.json}
DB_NAME=${DB_NAME:-segeval_bench_whatif}

bench_start supplier_evaluation "$DB_NAME"
bench_run supplier_evaluation_whatif_bench.py \
    "$BENCH_SUPPLIERS suppliers' scorecards over $BENCH_MONTHS months" \
    "the template what-if"
