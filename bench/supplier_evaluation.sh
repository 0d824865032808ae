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
set -euo pipefail
source "$(dirname "$0")/../setup/common.sh"

export BENCH_SUPPLIERS=${BENCH_SUPPLIERS:-5000}
export BENCH_PRODUCTS=${BENCH_PRODUCTS:-20000}
export BENCH_LINES=${BENCH_LINES:-1000000}
export BENCH_MONTHS=${BENCH_MONTHS:-24}
export BENCH_SEED=${BENCH_SEED:-0.42}
BENCH_OUT=${BENCH_OUT:-$REPO_ROOT/bench/out/supplier_evaluation.json}
DB_NAME=${DB_NAME:-segeval_bench}

if ! find_odoo; then
    odoo_missing_help
    shout "BENCHMARK NOT RUN: Odoo 18 is required."
    exit 1
fi
say "Odoo: ${ODOO_CMD[*]} (Python: $ODOO_PY, Odoo in $ODOO_ROOT)"
odoo_py -c 'import numpy' 2>/dev/null || {
    shout "numpy is missing from $ODOO_PY: run 'bash setup/run.sh' once or '$ODOO_PY -m pip install -r requirements.txt'."
    exit 1
}
install_cleanup
start_pg
export BENCH_ADDON_SOURCE="work tree (HEAD $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_ROOT" diff --quiet HEAD -- supplier_evaluation 2>/dev/null || echo ', with local changes'))"
if [ -n "${BENCH_REF:-}" ]; then
    mkdir -p "$PG_DIR/addons"
    git -C "$REPO_ROOT" archive "$BENCH_REF" supplier_evaluation | tar -x -C "$PG_DIR/addons"
    ODOO_ADDONS_PATH="${ODOO_ADDONS_PATH%,"$REPO_ROOT"},$PG_DIR/addons"
    export BENCH_ADDON_SOURCE="git $(git -C "$REPO_ROOT" rev-parse --short "$BENCH_REF")"
    say "Addon taken from git revision $(git -C "$REPO_ROOT" rev-parse --short "$BENCH_REF") ($ODOO_ADDONS_PATH)"
fi

say "Creating database '$DB_NAME' with supplier_evaluation, without demo data"
"${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" --addons-path="$ODOO_ADDONS_PATH" -d "$DB_NAME" \
    -i supplier_evaluation --without-demo=all --stop-after-init --no-http --log-level=warn
state=$(psql_odoo -d "$DB_NAME" -At -c "SELECT state FROM ir_module_module WHERE name = 'supplier_evaluation'" || true)
if [ "$state" != "installed" ]; then
    shout "BENCHMARK NOT RUN: supplier_evaluation did not install (state '${state:-none}'); see the log above."
    exit 1
fi

bench() {
    odoo_py "$REPO_ROOT/bench/supplier_evaluation_bench.py" "$1" \
        --db-host 127.0.0.1 --db-port "$PG_PORT" --db-user odoo --db-name "$DB_NAME" \
        --addons-path "$ODOO_ADDONS_PATH" --out "$BENCH_OUT"
}

say "Generating $BENCH_SUPPLIERS suppliers, $BENCH_PRODUCTS products, $BENCH_LINES purchase lines over $BENCH_MONTHS months"
bench generate

say "Measuring the evaluation engine (separate process)"
rc=0
bench measure || rc=$?
if [ "$rc" -eq 3 ]; then
    shout "The engine MISSES at least one target (see 'targets' above and $BENCH_OUT)."
elif [ "$rc" -ne 0 ]; then
    shout "BENCHMARK FAILED (measure phase exit $rc)."
fi
exit "$rc"
