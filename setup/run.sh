#!/usr/bin/env bash
# Main job: Odoo 18 with both addons and their demo data on http://localhost:8069.
# Needs an existing Odoo 18.0 (ODOO_BIN, odoo-bin on PATH, or an importable odoo).
#
#   bash setup/run.sh            # first run: builds the demo database; later runs: start on it
#   bash setup/run.sh --fresh    # throw the kept data away and build it again
#
# The PostgreSQL cluster, the database and Odoo's files are kept between runs in the data
# folder SEGEVAL_DATA (default: .data/ in the repository, git-ignored), printed at start.
# When the addons' code changed since the last run, they are updated (-u) before Odoo starts.
# Ctrl-C stops Odoo and PostgreSQL; the data stays.
set -euo pipefail
source "$(dirname "$0")/common.sh"

FRESH=""
for arg in "$@"; do
    case "$arg" in
        --fresh) FRESH=1 ;;
        -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) shout "Unknown option '$arg' (see --help)."; exit 2 ;;
    esac
done

HTTP_PORT=${HTTP_PORT:-8069}
DB_NAME=${DB_NAME:-segeval}
DATA=$(realpath -m "${SEGEVAL_DATA:-$REPO_ROOT/.data}")
BUILT="$DATA/$DB_NAME.built"       # written once the demo database is complete
CODE_STAMP="$DATA/$DB_NAME.code"   # digest of the addons' files the database was last updated with

# Another program on the port would answer in Odoo's place: refuse before touching anything.
if port_in_use "$HTTP_PORT"; then
    owner=$(port_owner "$HTTP_PORT" || true)
    shout "PORT $HTTP_PORT IS ALREADY IN USE${owner:+: $owner}." \
        "Stop that program, or choose another port: HTTP_PORT=8070 bash setup/run.sh" \
        "Nothing was started, changed or deleted (data folder: $DATA)."
    exit 1
fi

if ! find_odoo; then
    odoo_missing_help
    exit 1
fi
say "Odoo: ${ODOO_CMD[*]} (Python: $ODOO_PY, Odoo in $ODOO_ROOT)"
say "Data folder: $DATA (PostgreSQL cluster, database '$DB_NAME', Odoo's files; kept between runs)"
install_cleanup
install_requirements
need_wkhtmltopdf
mkdir -p "$DATA"

if [ -n "$FRESH" ] && [ -e "$DATA/postgresql" -o -e "$DATA/odoo" -o -e "$BUILT" ]; then
    if [ -f "$DATA/postgresql/data/postmaster.pid" ] \
        && as_pg "$(pg_bindir)/pg_ctl" -D "$DATA/postgresql/data" status >/dev/null 2>&1; then
        shout "PostgreSQL of $DATA is running (another setup/run.sh?): stop it before --fresh." \
            "Nothing was deleted."
        exit 1
    fi
    say "--fresh: removing the kept data in $DATA"
    rm -rf "$DATA/postgresql" "$DATA/odoo" "$BUILT" "$CODE_STAMP"
fi
start_pg_kept "$DATA/postgresql"
ODOO_ARGS=("${ODOO_DB_ARGS[@]}" --addons-path="$ODOO_ADDONS_PATH" --data-dir="$DATA/odoo" -d "$DB_NAME")

addons_digest() {
    local addon
    for addon in ${ADDONS//,/ }; do
        find "$REPO_ROOT/$addon" -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0
    done | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

db_exists=$(psql_odoo -d postgres -At -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")
if [ -n "$db_exists" ] && [ ! -f "$BUILT" ]; then
    # Only a build of ours that did not finish (stopped or failed) leaves a database without it.
    say "Database '$DB_NAME' was left unfinished by an interrupted first run: building it again"
    psql_odoo -d postgres -c "DROP DATABASE \"$DB_NAME\""
    rm -rf "$DATA/odoo/filestore/$DB_NAME"
    db_exists=""
fi
if [ -z "$db_exists" ]; then
    say "Creating database '$DB_NAME' with $ADDONS and their demo data (a few minutes, once)"
    started=$SECONDS
    "${ODOO_CMD[@]}" "${ODOO_ARGS[@]}" -i "$ADDONS" --stop-after-init --no-http --log-level=warn \
        --log-handler=odoo.addons.supplier_evaluation.demo.history:INFO \
        --log-handler=odoo.addons.customer_segmentation.demo.history:INFO
    touch "$BUILT"
    addons_digest >"$CODE_STAMP"
    say "Demo database built in $((SECONDS - started)) s"
else
    digest=$(addons_digest)
    if [ "$digest" != "$(cat "$CODE_STAMP" 2>/dev/null)" ]; then
        say "The addons' code changed since the last run: updating them in '$DB_NAME' (-u)"
        "${ODOO_CMD[@]}" "${ODOO_ARGS[@]}" -u "$ADDONS" --stop-after-init --no-http --log-level=warn
        echo "$digest" >"$CODE_STAMP"
    else
        say "Database '$DB_NAME' is ready (built before, addons unchanged)"
    fi
fi

say "Starting Odoo on http://localhost:$HTTP_PORT"
"${ODOO_CMD[@]}" "${ODOO_ARGS[@]}" --db-filter="^$DB_NAME\$" --http-port="$HTTP_PORT" --log-level=info &
ODOO_PID=$!
CHILD_PIDS+=("$ODOO_PID")
# Up means: our own process listens on the port and answers (never another server).
up=""
for _ in $(seq 1 180); do
    if ! kill -0 "$ODOO_PID" 2>/dev/null; then
        wait "$ODOO_PID" || true
        shout "ODOO STOPPED BEFORE SERVING on port $HTTP_PORT (see its log above)." \
            "The data is kept in $DATA."
        exit 1
    fi
    if curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login"; then
        owner=$(port_owner "$HTTP_PORT" || true)
        if [ -n "$owner" ] && [[ "$owner" != *"pid=$ODOO_PID,"* ]]; then
            shout "Another program answers on port $HTTP_PORT: $owner" \
                "Stop it or choose another HTTP_PORT. The data is kept in $DATA."
            exit 1
        fi
        up=1
        break
    fi
    sleep 1
done
if [ -z "$up" ]; then
    shout "Odoo did not answer on port $HTTP_PORT within 3 minutes. The data is kept in $DATA."
    exit 1
fi
cat <<MSG

  Odoo is up:  http://localhost:$HTTP_PORT   (started in $SECONDS s)
  Login:       admin
  Password:    admin
  Database:    $DB_NAME   (kept in $DATA; 'bash setup/run.sh --fresh' rebuilds it)

  Press Ctrl-C to stop Odoo and PostgreSQL (the data stays).
MSG
wait "$ODOO_PID"
