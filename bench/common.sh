# shellcheck shell=bash
# Shared by bench/*.sh, after setup/common.sh: the scratch database and the two phases.
# Source it; it defines functions only.

# The sizes of the generated histories (the defaults of bench/*_bench.py's generate),
# exported for the scripts' messages; each BENCH_* already set wins.
supplier_sizes() {
    export BENCH_SUPPLIERS=${BENCH_SUPPLIERS:-5000}
    export BENCH_PRODUCTS=${BENCH_PRODUCTS:-20000}
    export BENCH_LINES=${BENCH_LINES:-1000000}
    export BENCH_MONTHS=${BENCH_MONTHS:-24}
    export BENCH_SEED=${BENCH_SEED:-0.42}
}

customer_sizes() {
    export BENCH_CUSTOMERS=${BENCH_CUSTOMERS:-200000}
    export BENCH_ORDERS=${BENCH_ORDERS:-1000000}
    export BENCH_LINES=${BENCH_LINES:-2000000}
    export BENCH_MONTHS=${BENCH_MONTHS:-24}
    export BENCH_PRODUCTS=${BENCH_PRODUCTS:-3000}
    export BENCH_SEED=${BENCH_SEED:-0.42}
}

# bench_start ADDON DB_NAME: find Odoo (with numpy), start a throwaway PostgreSQL cluster
# (removed on exit) and create DB_NAME with ADDON installed WITHOUT demo data.
# BENCH_REF=<git revision> takes the addon as committed in that revision (exported with
# 'git archive' into the throwaway folder) instead of the work tree.
bench_start() {
    local addon=$1 state
    BENCH_DB=$2
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
    export BENCH_ADDON_SOURCE="work tree (HEAD $(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_ROOT" diff --quiet HEAD -- "$addon" 2>/dev/null || echo ', with local changes'))"
    if [ -n "${BENCH_REF:-}" ]; then
        mkdir -p "$PG_DIR/addons"
        git -C "$REPO_ROOT" archive "$BENCH_REF" "$addon" | tar -x -C "$PG_DIR/addons"
        ODOO_ADDONS_PATH="${ODOO_ADDONS_PATH%,"$REPO_ROOT"},$PG_DIR/addons"
        export BENCH_ADDON_SOURCE="git $(git -C "$REPO_ROOT" rev-parse --short "$BENCH_REF")"
        say "Addon taken from git revision $(git -C "$REPO_ROOT" rev-parse --short "$BENCH_REF") ($ODOO_ADDONS_PATH)"
    fi

    say "Creating database '$BENCH_DB' with $addon, without demo data"
    "${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" --addons-path="$ODOO_ADDONS_PATH" -d "$BENCH_DB" \
        -i "$addon" --without-demo=all --stop-after-init --no-http --log-level=warn
    state=$(psql_odoo -d "$BENCH_DB" -At -c "SELECT state FROM ir_module_module WHERE name = '$addon'" || true)
    if [ "$state" != "installed" ]; then
        shout "BENCHMARK NOT RUN: $addon did not install (state '${state:-none}'); see the log above."
        exit 1
    fi
}

# bench_phase SCRIPT PHASE: one phase of bench/SCRIPT on the scratch database.
bench_phase() {
    odoo_py "$REPO_ROOT/bench/$1" "$2" \
        --db-host 127.0.0.1 --db-port "$PG_PORT" --db-user odoo --db-name "$BENCH_DB" \
        --addons-path "$ODOO_ADDONS_PATH" --out "$BENCH_OUT"
}

# bench_run SCRIPT DATA WORK: generate DATA, then measure WORK in a second process (so
# that its peak memory is the work's alone). Returns the measure phase's status: 3 when
# a target is missed.
bench_run() {
    local rc=0
    say "Generating $2"
    bench_phase "$1" generate
    say "Measuring $3 (separate process)"
    bench_phase "$1" measure || rc=$?
    if [ "$rc" -eq 3 ]; then
        shout "The benchmark MISSES at least one target (see 'targets' above and $BENCH_OUT)."
    elif [ "$rc" -ne 0 ]; then
        shout "BENCHMARK FAILED (measure phase exit $rc)."
    fi
    return "$rc"
}
