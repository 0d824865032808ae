#!/usr/bin/env bash
# Main job: Odoo 18 with both addons and their demo data on http://localhost:8069.
# Needs an existing Odoo 18.0 (ODOO_BIN, odoo-bin on PATH, or an importable odoo).
# Ctrl-C stops Odoo and the throwaway PostgreSQL cluster and removes it.
set -euo pipefail
source "$(dirname "$0")/common.sh"

HTTP_PORT=${HTTP_PORT:-8069}
DB_NAME=${DB_NAME:-segeval}

if ! find_odoo; then
    odoo_missing_help
    exit 1
fi
say "Odoo: ${ODOO_CMD[*]} (Python: $ODOO_PY)"
install_cleanup
install_requirements
start_pg

say "Creating database '$DB_NAME' with $ADDONS and their demo data (takes a few minutes)"
"${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" --addons-path="$ODOO_ADDONS_PATH" -d "$DB_NAME" \
    -i "$ADDONS" --stop-after-init --no-http --log-level=warn

say "Starting Odoo on http://localhost:$HTTP_PORT"
"${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" --addons-path="$ODOO_ADDONS_PATH" -d "$DB_NAME" \
    --db-filter="^$DB_NAME\$" --http-port="$HTTP_PORT" --log-level=info &
CHILD_PIDS+=($!)
for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/web/login" && break
    sleep 1
done
cat <<MSG

  Odoo is up:  http://localhost:$HTTP_PORT
  Login:       admin
  Password:    admin
  Database:    $DB_NAME

  Press Ctrl-C to stop Odoo and PostgreSQL.
MSG
wait "${CHILD_PIDS[0]}"
