#!/usr/bin/env bash
# Benchmark of customer_segmentation's cohort report on the segmentation benchmark's data.
#
#   bash bench/customer_cohorts.sh
#   BENCH_CUSTOMERS=2000 BENCH_ORDERS=10000 BENCH_LINES=20000 bash bench/customer_cohorts.sh
#
# The same throwaway cluster, database and generated history as
# bench/customer_segmentation.sh (same environment variables); the measure phase
# (bench/customer_cohorts_bench.py) runs the segmentation once, then times the cohort pivot
# and the revenue retention against a bare SQL scan of the same orders and credit notes.
# Writes bench/out/customer_cohorts.json. Exit status 3 when the target is missed.
set -euo pipefail
source "$(dirname "$0")/../setup/common.sh"
source "$(dirname "$0")/common.sh"

customer_sizes
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/customer_cohorts.json}
DB_NAME=${DB_NAME:-custseg_cohorts}

bench_start customer_segmentation "$DB_NAME"
bench_run customer_cohorts_bench.py \
    "$BENCH_CUSTOMERS customers, $BENCH_ORDERS orders, $BENCH_LINES order lines over $BENCH_MONTHS months" \
    "the cohort report"
