#!/usr/bin/env bash
# Benchmark of customer_segmentation's nightly run on a large synthetic sales history.
#
#   bash bench/customer_segmentation.sh
#   BENCH_CUSTOMERS=2000 BENCH_ORDERS=10000 BENCH_LINES=20000 bash bench/customer_segmentation.sh
#
# Starts a throwaway PostgreSQL cluster on 127.0.0.1 (removed on exit), creates a scratch
# database with customer_segmentation installed WITHOUT demo data, fills it with bulk SQL
# (phase "generate", one process), then times customer.segmentation.run._run_company through
# the ORM (phase "measure", a second process, so its peak memory is the run's alone). Prints a
# table and writes bench/out/customer_segmentation.json. Connects nowhere but the local cluster.
#
# Environment: BENCH_CUSTOMERS (200000), BENCH_ORDERS (1000000), BENCH_LINES (2000000),
# BENCH_MONTHS (24), BENCH_PRODUCTS (3000), BENCH_SEED (0.42),
# BENCH_OUT (bench/out/customer_segmentation.json), BENCH_PROFILE=1 to also write a cProfile of
# one more first run next to the JSON, BENCH_EXPLAIN=1 to add EXPLAIN ANALYZE of the bare scan,
# BENCH_CHECK_FK=1 to keep foreign-key checks while generating (slower; proves the data
# consistent), BENCH_STATEMENT_TIMEOUT (900 s: a statement of the measured run that takes longer
# is cancelled and the run reported as not finished), BENCH_REF=<git revision> to benchmark the
# addon as committed in that revision instead of the work tree, BENCH_GROWTH=1 to run it at
# 1/4, 1/2, 1 and 2 times the sizes and print the cost per row read at each. Exit status 3
# when a target is missed.
set -euo pipefail
source "$(dirname "$0")/../setup/common.sh"
source "$(dirname "$0")/common.sh"

customer_sizes
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/customer_segmentation.json}
DB_NAME=${DB_NAME:-custseg_bench}

if [ -z "${BENCH_GROWTH:-}" ]; then
    bench_start customer_segmentation "$DB_NAME"
    bench_run customer_segmentation_bench.py \
        "$BENCH_CUSTOMERS customers, $BENCH_ORDERS orders, $BENCH_LINES order lines over $BENCH_MONTHS months" \
        "the segmentation run"
    exit
fi

# BENCH_GROWTH=1: the same benchmark at 1/4, 1/2, 1 and 2 times the sizes, each on a
# fresh copy of one installed database, then the cost per row read at each scale.
bench_start customer_segmentation "${DB_NAME}_installed"
base=("$BENCH_CUSTOMERS" "$BENCH_ORDERS" "$BENCH_LINES")
out_base=${BENCH_OUT%.json}
outs=()
for scale in 0.25 0.5 1 2; do
    tag=${scale/./_}
    read -r BENCH_CUSTOMERS BENCH_ORDERS BENCH_LINES < <(
        awk -v s="$scale" -v c="${base[0]}" -v o="${base[1]}" -v l="${base[2]}" \
            'BEGIN { printf "%d %d %d\n", c * s, o * s, l * s }')
    export BENCH_CUSTOMERS BENCH_ORDERS BENCH_LINES
    BENCH_DB="${DB_NAME}_$tag"
    BENCH_OUT="${out_base}_growth_$tag.json"
    psql_odoo -d postgres -c "CREATE DATABASE $BENCH_DB TEMPLATE ${DB_NAME}_installed"
    say "Scale $scale"
    bench_run customer_segmentation_bench.py \
        "$BENCH_CUSTOMERS customers, $BENCH_ORDERS orders, $BENCH_LINES order lines" \
        "the segmentation run" || true
    psql_odoo -d postgres -c "DROP DATABASE $BENCH_DB"
    outs+=("$BENCH_OUT")
done
odoo_py "$REPO_ROOT/bench/customer_segmentation_bench.py" growth "${outs[@]}"
