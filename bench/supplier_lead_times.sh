#!/usr/bin/env bash
# Benchmark of supplier_evaluation's learned lead times on the supplier benchmark's data.
#
#   bash bench/supplier_lead_times.sh
#
# The same throwaway cluster and synthetic purchase history as bench/supplier_evaluation.sh
# (its "generate" phase, same BENCH_* sizes), then bench/supplier_lead_times_bench.py
# "measure" in a second process: a bare SQL scan of the window's receipts next to
# lead_times.measure of the main company. Writes bench/out/supplier_lead_times.json.
set -euo pipefail
source "$(dirname "$0")/../setup/common.sh"
source "$(dirname "$0")/common.sh"

supplier_sizes
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/supplier_lead_times.json}
export BENCH_LEAD_TIMES_OUT=$BENCH_OUT
DB_NAME=${DB_NAME:-segeval_bench}

bench_start supplier_evaluation "$DB_NAME"
say "Generating $BENCH_SUPPLIERS suppliers, $BENCH_PRODUCTS products, $BENCH_LINES purchase lines over $BENCH_MONTHS months"
bench_phase supplier_evaluation_bench.py generate
say "Measuring the learned lead times (separate process)"
bench_phase supplier_lead_times_bench.py measure
