# shellcheck shell=bash
# Shared by setup/run.sh, setup/test.sh and benchmarks: find Odoo, run a throwaway
# PostgreSQL cluster on loopback, and clean everything up on exit or Ctrl-C.
# Source it; it defines functions and variables only.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDONS="supplier_evaluation,customer_segmentation"

say() { printf '\n==> %s\n' "$*"; }
shout() {
    printf '\n' >&2
    printf '!!! %s\n' "$@" >&2
    printf '\n' >&2
}

# ---------------------------------------------------------------- Odoo
# find_odoo sets ODOO_CMD (array), ODOO_PY (the Python that runs Odoo) and
# ODOO_ADDONS_PATH; it returns 1 with ODOO_MISSING set when no Odoo 18 is found.
# Order: $ODOO_BIN, then `odoo-bin` on PATH, then an importable `odoo` in python3.
find_odoo() {
    ODOO_CMD=()
    ODOO_MISSING=""
    local candidate=""
    if [ -n "${ODOO_BIN:-}" ]; then
        read -r -a ODOO_CMD <<<"$ODOO_BIN"
        if [ "${#ODOO_CMD[@]}" -eq 1 ]; then
            candidate=$(command -v "${ODOO_CMD[0]}" || true)
            if [ -z "$candidate" ] || [ ! -f "$candidate" ]; then
                ODOO_MISSING="ODOO_BIN=$ODOO_BIN is not a file"
                return 1
            fi
            [ -x "$candidate" ] || ODOO_CMD=("${ODOO_PYTHON:-python3}" "$candidate")
        fi
    elif candidate=$(command -v odoo-bin); then
        ODOO_CMD=("$candidate")
    elif python3 -c 'import odoo.release' >/dev/null 2>&1; then
        ODOO_CMD=(python3 -m odoo)
    else
        ODOO_MISSING="no ODOO_BIN, no odoo-bin on PATH, and python3 cannot import odoo"
        return 1
    fi
    ODOO_PY=$(odoo_python)
    local version
    version=$("${ODOO_CMD[@]}" --version 2>/dev/null | tail -n 1)
    case "$version" in
        *" 18.0"*) ;;
        *)
            ODOO_MISSING="'${ODOO_CMD[*]} --version' printed '$version', not Odoo 18.0"
            return 1
            ;;
    esac
    ODOO_ADDONS_PATH=$(odoo_addons_path)
    return 0
}

# The interpreter behind ODOO_CMD: $ODOO_PYTHON, the first word when it is a
# Python, or the shebang of the odoo-bin script.
odoo_python() {
    if [ -n "${ODOO_PYTHON:-}" ]; then echo "$ODOO_PYTHON"; return; fi
    local first=${ODOO_CMD[0]}
    case "$(basename "$first")" in
        python*) echo "$first"; return ;;
    esac
    local script shebang
    script=$(readlink -f "$(command -v "$first")")
    shebang=$(head -n 1 "$script" 2>/dev/null)
    case "$shebang" in
        "#!/usr/bin/env "*) echo "${shebang#\#!/usr/bin/env }" ;;
        "#!"*python*) echo "${shebang#\#!}" ;;
        *) echo python3 ;;
    esac
}

# Odoo's own addons folders followed by this repository.
odoo_addons_path() {
    local odoo_root
    odoo_root=$("$ODOO_PY" -c 'import os, odoo; print(os.path.dirname(os.path.abspath(odoo.__file__)))' 2>/dev/null)
    local paths=()
    if [ -n "$odoo_root" ]; then
        paths+=("$odoo_root/addons")
        [ -d "$odoo_root/../addons/web" ] && paths+=("$(cd "$odoo_root/../addons" && pwd)")
    fi
    paths+=("$REPO_ROOT")
    local IFS=,
    echo "${paths[*]}"
}

odoo_missing_help() {
    shout "ODOO NOT FOUND: $ODOO_MISSING." \
        "The addons need an existing Odoo 18.0 (Community) installation; these scripts never install it." \
        "Point at it with ODOO_BIN=/path/to/odoo-bin (a script whose shebang is Odoo's Python)," \
        "or ODOO_BIN='/path/to/python /path/to/odoo-bin', or put odoo-bin on PATH."
}

# ----------------------------------------------------------- PostgreSQL
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/pg_ctl" ]; then
        say "PostgreSQL is not installed: installing postgresql-15 from Debian's packages" >&2
        if [ "$(id -u)" -ne 0 ]; then
            shout "Installing PostgreSQL needs root: run 'sudo apt-get install postgresql-15'."
            return 1
        fi
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15) >&2 || return 1
        dir=/usr/lib/postgresql/15/bin
    fi
    echo "$dir"
}

# Run a PostgreSQL binary as the cluster's owner (postgres when we are root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_pg: a fresh cluster in a temporary folder, superuser "odoo", trust on loopback.
# Sets PG_DIR, PG_PORT, PG_BIN, and ODOO_DB_ARGS for odoo-bin.
start_pg() {
    PG_BIN=$(pg_bindir) || return 1
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/segeval-pg.XXXXXX")
    chmod 755 "$PG_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
    PG_PORT=${PG_PORT:-$(free_port)}
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U odoo -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; return 1; }
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -s \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start || { cat "$PG_DIR/postgres.log" >&2; return 1; }
    ODOO_DB_ARGS=(--db_host=127.0.0.1 "--db_port=$PG_PORT" --db_user=odoo --db_password=odoo)
    say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT (data in $PG_DIR)"
}

stop_pg() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -s stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
        PG_DIR=""
        echo "PostgreSQL stopped and its throwaway cluster removed."
    fi
}

psql_odoo() {
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U odoo -X -q "$@"
}

# ------------------------------------------------------------- cleanup
# Child processes (Odoo) register their pid in CHILD_PIDS; cleanup ends them,
# then stops PostgreSQL. Installed by install_cleanup for EXIT, INT and TERM.
CHILD_PIDS=()
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    local pid
    for pid in "${CHILD_PIDS[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    stop_pg
    exit "$status"
}
install_cleanup() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Install the project's Python requirements into the Python that runs Odoo.
install_requirements() {
    say "Installing the project's Python requirements into $ODOO_PY"
    "$ODOO_PY" -m pip install -q -r "$REPO_ROOT/requirements.txt"
}
