#!/usr/bin/env bash
# The test command: (1) repository tests, no Odoo needed; (2) when Odoo 18 is found,
# both addons installed in a fresh database and their own Odoo tests run.
# Exit status is non-zero when any test fails, or when a level ran no test.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT" || exit 1

say "Level 1/2: repository tests (pure logic and static checks, no Odoo)"
python3 -m pip install -q numpy scipy pytest >/dev/null 2>&1 || true
REPO_LOG=$(mktemp)
python3 -m pytest -q tests 2>&1 | tee "$REPO_LOG"
repo_rc=${PIPESTATUS[0]}
repo_passed=$(grep -oE "[0-9]+ passed" "$REPO_LOG" | tail -n 1 | grep -oE "[0-9]+")
repo_failed=$(grep -oE "[0-9]+ (failed|error)" "$REPO_LOG" | grep -oE "[0-9]+" | awk "{s+=\$1} END {print s+0}")
repo_passed=${repo_passed:-0}
repo_failed=${repo_failed:-0}
rm -f "$REPO_LOG"
if [ "$repo_rc" -eq 5 ]; then
    shout "Level 1 ran no test: that is a failure."
    repo_rc=1
fi

if ! find_odoo; then
    odoo_missing_help
    shout "ODOO LEVEL SKIPPED: the Odoo tests of supplier_evaluation and customer_segmentation did NOT run." \
        "Only the repository tests above ran; nothing here says the addons install or work in Odoo."
    echo "repository: $repo_passed passed, $repo_failed failed"
    exit "$repo_rc"
fi

say "Level 2/2: Odoo tests with ${ODOO_CMD[*]} (Python: $ODOO_PY)"
install_cleanup
install_requirements || exit 1
start_pg || exit 1
LOG="$PG_DIR/odoo-test.log"
DB_NAME="segeval_test_$$"
tags=$(echo "$ADDONS" | sed 's/\([a-z_]*\)/\/\1/g')
"${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" --addons-path="$ODOO_ADDONS_PATH" -d "$DB_NAME" \
    -i "$ADDONS" --test-tags="$tags" --stop-after-init --http-port="$(free_port)" \
    --log-level=test ${ODOO_TEST_ARGS:-} 2>&1 | tee "$LOG" \
    | grep -E --line-buffered "ERROR|FAIL|CRITICAL|Traceback|odoo.tests.result|Starting .*Test|post-tests in|^\s" \
    | grep -v -E "^\s*$"
odoo_rc=${PIPESTATUS[0]}

result=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOG" | tail -n 1)
failed=$(sed -E 's/.* ([0-9]+) failed, ([0-9]+) error.* of ([0-9]+) tests.*/\1+\2/' <<<"$result")
total=$(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$result")
failed=$((${failed:-0}))
total=${total:-0}
[[ "$total" =~ ^[0-9]+$ ]] || total=0
odoo_level_rc=$odoo_rc
for addon in ${ADDONS//,/ }; do
    count=$(grep -c "odoo.addons.$addon.tests.* Starting " "$LOG")
    echo "Odoo tests run for $addon: $count"
    if [ "$count" -eq 0 ]; then
        shout "No Odoo test of $addon ran: that is a failure."
        odoo_level_rc=1
    fi
done
grep -q "Failed to initialize database\|Some modules are not loaded\|Failed to load registry" "$LOG" && odoo_level_rc=1
[ "$failed" -gt 0 ] && odoo_level_rc=1
[ "$odoo_rc" -ne 0 ] && odoo_level_rc=1

echo
echo "Odoo level (exit $odoo_rc): $((total - failed)) passed, $failed failed"
echo "Repository level (exit $repo_rc): $repo_passed passed, $repo_failed failed"
if [ "$repo_rc" -ne 0 ] || [ "$odoo_level_rc" -ne 0 ]; then
    shout "TESTS FAILED (repository level exit $repo_rc, Odoo level exit $odoo_level_rc)"
    echo "total: $((repo_passed + total - failed)) passed, $((repo_failed + failed)) failed"
    exit 1
fi
echo "All tests passed at both levels."
echo "total: $((repo_passed + total - failed)) passed, $((repo_failed + failed)) failed"
