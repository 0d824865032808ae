# shellcheck shell=bash
# Shared by setup/run.sh, setup/test.sh and benchmarks: find Odoo, install the Debian
# packages the addons need, run PostgreSQL on loopback (a throwaway cluster, or run.sh's kept
# one), and clean everything up on exit or Ctrl-C.
# Source it; it defines functions and variables only.

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDONS="supplier_evaluation,customer_segmentation,supplier_evaluation_requisition,customer_segmentation_mass_mailing,customer_segmentation_crm,customer_segmentation_survey"
# The optional bridges to OCA's queue_job (periods and companies as jobs): tested where
# queue_job is present (fetch_queue_job), in a run of their own after ADDONS' tests,
# since with them installed the back-fill wizard and the crons queue jobs instead of
# running in process.
QUEUE_ADDONS="supplier_evaluation_queue,customer_segmentation_queue"
QUEUE_JOB_PIN="odoo-addon-queue-job==18.0.4.1.2.2"

say() { printf '\n==> %s\n' "$*"; }
shout() {
    printf '\n' >&2
    printf '!!! %s\n' "$@" >&2
    printf '\n' >&2
}

# ---------------------------------------------------------------- Odoo
# find_odoo sets ODOO_CMD (array), ODOO_PY (the Python that runs Odoo), ODOO_ROOT (the folder
# that holds the `odoo` package: a source checkout's root) and ODOO_ADDONS_PATH; it returns 1
# with ODOO_MISSING set when no Odoo 18 is found.
# Order: $ODOO_BIN, then `odoo-bin` on PATH, then an importable `odoo` in python3.
find_odoo() {
    ODOO_CMD=()
    ODOO_MISSING=""
    ODOO_ROOT=""
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
    ODOO_ROOT=$(odoo_root)
    local version
    version=$("${ODOO_CMD[@]}" --version 2>/dev/null | tail -n 1)
    case "$version" in
        *" 18.0"*) ;;
        *)
            ODOO_MISSING="'${ODOO_CMD[*]} --version' printed '$version', not Odoo 18.0"
            return 1
            ;;
    esac
    if [ -z "$ODOO_ROOT" ]; then
        ODOO_MISSING="found '${ODOO_CMD[*]}', but neither its folder holds Odoo's sources (odoo/release.py) nor can $ODOO_PY import odoo"
        return 1
    fi
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

# The folder holding the `odoo` package. For a source checkout it is odoo-bin's own folder
# (odoo-bin imports odoo from there, but another process of the same Python cannot until that
# folder is on PYTHONPATH); otherwise wherever ODOO_PY imports odoo from.
odoo_root() {
    local word script dir
    for word in "${ODOO_CMD[@]}"; do
        if [ -f "$word" ]; then
            script=$word
        else
            script=$(command -v "$word" 2>/dev/null) || continue
            [ -f "$script" ] || continue
        fi
        dir=$(dirname "$(readlink -f "$script")")
        if [ -f "$dir/odoo/release.py" ]; then
            echo "$dir"
            return
        fi
    done
    dir=$("$ODOO_PY" -c 'import os, odoo; print(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))))' 2>/dev/null)
    [ -n "$dir" ] && [ -f "$dir/odoo/release.py" ] && echo "$dir"
}

# Run ODOO_PY with Odoo's root on PYTHONPATH: for the scripts that `import odoo` themselves.
odoo_py() {
    PYTHONPATH="$ODOO_ROOT${PYTHONPATH:+:$PYTHONPATH}" "$ODOO_PY" "$@"
}

# Odoo's own addons folders (root/odoo/addons, and root/addons in a source checkout)
# followed by this repository.
odoo_addons_path() {
    local paths=("$ODOO_ROOT/odoo/addons")
    [ -d "$ODOO_ROOT/addons/web" ] && paths+=("$ODOO_ROOT/addons")
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

# fetch_queue_job DIR: make OCA's queue_job available to Odoo: $QUEUE_JOB_ADDONS_PATH
# when it is set (a folder holding queue_job/), else the pinned wheel downloaded from
# PyPI with ODOO_PY's pip into DIR and unzipped there. Sets QUEUE_JOB_ADDONS_PATH;
# returns 1, saying why, when it cannot (no network, no pip).
fetch_queue_job() {
    local dir=$1 wheel
    if [ -n "${QUEUE_JOB_ADDONS_PATH:-}" ]; then
        [ -f "$QUEUE_JOB_ADDONS_PATH/queue_job/__manifest__.py" ] && return 0
        QUEUE_JOB_MISSING="QUEUE_JOB_ADDONS_PATH=$QUEUE_JOB_ADDONS_PATH holds no queue_job/"
        return 1
    fi
    mkdir -p "$dir/wheel"
    if ! "$ODOO_PY" -m pip download -q --no-deps --disable-pip-version-check \
        --dest "$dir/wheel" "$QUEUE_JOB_PIN" >"$dir/pip.log" 2>&1; then
        QUEUE_JOB_MISSING="'$ODOO_PY -m pip download $QUEUE_JOB_PIN' failed: $(tail -n 1 "$dir/pip.log")"
        return 1
    fi
    wheel=$(ls "$dir"/wheel/*.whl 2>/dev/null | head -n 1)
    # A wheel is a zip; the addon is odoo/addons/queue_job inside.
    if [ -z "$wheel" ] || ! "$ODOO_PY" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$wheel" "$dir/unpacked" || [ ! -f "$dir/unpacked/odoo/addons/queue_job/__manifest__.py" ]; then
        QUEUE_JOB_MISSING="the downloaded wheel '${wheel:-none}' holds no odoo/addons/queue_job"
        return 1
    fi
    QUEUE_JOB_ADDONS_PATH="$dir/unpacked/odoo/addons"
}

# ------------------------------------------------------- Debian packages
# apt_install PACKAGE...: Debian's packages, as root; a failure is an error, never hidden.
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        shout "Installing $* needs root: run 'sudo apt-get install $*', then run this command again."
        return 1
    fi
    if ! command -v apt-get >/dev/null 2>&1; then
        shout "No apt-get on this machine: install $* by hand."
        return 1
    fi
    say "Installing Debian's $* with apt-get" >&2
    # dpkg needs the sbin folders (ldconfig, start-stop-daemon) that a plain PATH leaves out.
    local PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
    if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >&2; then
        shout "apt-get could not install $*: see its messages above."
        return 1
    fi
}

# need_command PACKAGE WHY COMMAND...: installs PACKAGE when none of the COMMANDs is found.
need_command() {
    local package=$1 why=$2 command
    shift 2
    for command in "$@"; do
        command -v "$command" >/dev/null 2>&1 && return 0
    done
    say "$1 is missing ($why)" >&2
    apt_install "$package" || return 1
    for command in "$@"; do
        command -v "$command" >/dev/null 2>&1 && return 0
    done
    shout "$package is installed but none of $* is on PATH."
    return 1
}

# Odoo renders every PDF report (the printable scorecard, the portal's "Download PDF") with
# wkhtmltopdf; without it they answer 400.
need_wkhtmltopdf() {
    need_command wkhtmltopdf "Odoo renders PDF reports with it" wkhtmltopdf
}

# ----------------------------------------------------------- PostgreSQL
pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$dir" ] || [ ! -x "$dir/pg_ctl" ]; then
        say "PostgreSQL is not installed" >&2
        apt_install postgresql-15 || return 1
        dir=/usr/lib/postgresql/15/bin
    fi
    echo "$dir"
}

# Run a PostgreSQL binary as the cluster's owner (postgres when we are root). runuser lives in
# /usr/sbin, which a plain PATH=/usr/bin:/bin leaves out.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        local runuser
        runuser=$(PATH="$PATH:/usr/sbin:/sbin" command -v runuser) || { shout "runuser not found (util-linux)."; return 1; }
        "$runuser" -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# port_in_use PORT: true when something listens on PORT (any address).
port_in_use() {
    python3 - "$1" <<'PY'
import errno, socket, sys
port = int(sys.argv[1])
for family, address in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
    try:
        s = socket.socket(family)
    except OSError:  # no IPv6 here
        continue
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Odoo's server does
    try:
        s.bind((address, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            sys.exit(0)
    finally:
        s.close()
sys.exit(1)
PY
}

# Who listens on PORT (a line of `ss`, when available).
port_owner() {
    command -v ss >/dev/null 2>&1 && ss -Hltnp "sport = :$1" 2>/dev/null | head -n 1
}

# pg_cluster_start DIR OPTIONS: init (once) and start the cluster of DIR/data, socket and log
# in DIR, superuser "odoo", trust on loopback. Sets PG_DIR, PG_PORT, PG_BIN and ODOO_DB_ARGS.
pg_cluster_start() {
    local dir=$1 options=$2
    PG_BIN=$(pg_bindir) || return 1
    PG_DIR=$dir
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
        if ! as_pg test -w "$dir"; then
            shout "The postgres user cannot reach $dir (a parent folder is closed to it)." \
                "Choose a data folder it can reach, for example SEGEVAL_DATA=/var/lib/segeval."
            return 1
        fi
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_pg "$PG_BIN/initdb" -D "$dir/data" -U odoo -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
            || { cat "$dir/initdb.log" >&2; return 1; }
    elif as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        shout "PostgreSQL of $dir is already running: is another setup/run.sh using this data folder?"
        PG_DIR=""
        return 1
    fi
    PG_PORT=${PG_PORT:-$(free_port)}
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -s \
        -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 $options" \
        start || { tail -n 20 "$dir/postgres.log" >&2; PG_DIR=""; return 1; }
    ODOO_DB_ARGS=(--db_host=127.0.0.1 "--db_port=$PG_PORT" --db_user=odoo --db_password=odoo)
    say "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PG_PORT (data in $dir)"
}

# start_pg: a fresh cluster in a temporary folder, removed by stop_pg; durability traded for speed.
start_pg() {
    PG_KEEP=""
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/segeval-pg.XXXXXX")
    chmod 755 "$dir"
    pg_cluster_start "$dir" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        || { rm -rf "$dir"; return 1; }
}

# start_pg_kept DIR: the cluster kept in DIR between runs (created on first use). Crash-safe
# (fsync on); only the last commits before a crash may be lost (synchronous_commit=off).
start_pg_kept() {
    PG_KEEP=1
    mkdir -p "$1"
    pg_cluster_start "$1" "-c synchronous_commit=off"
}

stop_pg() {
    if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
        as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w -s stop >/dev/null 2>&1 || true
        if [ -n "${PG_KEEP:-}" ]; then
            echo "PostgreSQL stopped; its data is kept in $PG_DIR."
        else
            rm -rf "$PG_DIR"
            echo "PostgreSQL stopped and its throwaway cluster removed."
        fi
        PG_DIR=""
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

# Install the project's Python requirements into the Python that runs Odoo (once: nothing to
# do when they import already). A failed install is an error.
install_requirements() {
    if odoo_py -c 'import numpy, scipy, websocket' 2>/dev/null; then
        return 0
    fi
    say "Installing the project's Python requirements into $ODOO_PY"
    if ! "$ODOO_PY" -m pip install -q -r "$REPO_ROOT/requirements.txt"; then
        shout "pip could not install requirements.txt into $ODOO_PY (see above)." \
            "Install numpy, scipy and websocket-client into the Python that runs Odoo."
        return 1
    fi
}

# ------------------------------------------------- the test virtualenv
# test_venv: the repository level's own virtualenv, TEST_VENV (.venv-tests/ in the repository,
# git-ignored), made once with Debian's python3 and reused; requirements-test.txt is installed
# again only when it (or requirements.txt) changed. Where `python3 -m venv` cannot work,
# Debian's python3-venv is installed first. Sets TEST_PY.
TEST_VENV=${TEST_VENV:-$REPO_ROOT/.venv-tests}
test_venv() {
    TEST_PY="$TEST_VENV/bin/python"
    if [ ! -x "$TEST_PY" ]; then
        say "Creating the test virtualenv $TEST_VENV"
        local made_log
        made_log=$(mktemp)
        if ! python3 -m venv "$TEST_VENV" >"$made_log" 2>&1; then
            cat "$made_log" >&2
            rm -rf "$TEST_VENV"
            say "python3 -m venv failed: Debian's python3-venv is probably missing"
            apt_install python3-venv || { rm -f "$made_log"; return 1; }
            if ! python3 -m venv "$TEST_VENV"; then
                rm -rf "$TEST_VENV" "$made_log"
                shout "python3 -m venv still fails after installing python3-venv."
                return 1
            fi
        fi
        rm -f "$made_log"
    fi
    local stamp
    stamp=$(cat "$REPO_ROOT/requirements.txt" "$REPO_ROOT/requirements-test.txt" | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$TEST_VENV/.requirements.sha256" 2>/dev/null)" != "$stamp" ]; then
        say "Installing requirements-test.txt into $TEST_VENV"
        if ! "$TEST_PY" -m pip install -q --disable-pip-version-check -r "$REPO_ROOT/requirements-test.txt"; then
            shout "pip could not install requirements-test.txt into $TEST_VENV (see above)."
            return 1
        fi
        echo "$stamp" >"$TEST_VENV/.requirements.sha256"
    fi
}
