#!/usr/bin/env bash
# The test command: (1) repository tests, no Odoo needed; (2) when Odoo 18 is found,
# both addons installed in a fresh database and their own Odoo tests run, then, when
# OCA's queue_job can be had (fetch_queue_job), the queue bridges and theirs.
# Exit status is non-zero when any test fails, or when a level ran no test.
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT" || exit 1

# Lint (OCA's ruff and pylint-odoo rules, .ruff.toml and .pylintrc-mandatory): LINT_STRICT
# must be clean or level 1 fails. LINT_PENDING lists files that are not clean yet: they are
# left out of LINT_STRICT's lint, linted the same way on their own, and their findings are
# counted but do not fail the level; once `ruff check --fix`, `ruff format` and the fixes by
# hand have run on a file, drop it from LINT_PENDING. pylint-odoo checks Odoo addons only:
# setup/ and bench/ are command-line programs (print and cr.commit() are what they are for)
# and tests/ plain pytest. (XML and JS are not linted by these tools.)
LINT_STRICT=(setup bench tests supplier_evaluation customer_segmentation supplier_evaluation_requisition
    customer_segmentation_mass_mailing customer_segmentation_crm customer_segmentation_survey
    supplier_evaluation_queue customer_segmentation_queue)
# Every Python file is clean today: nothing is pending.
LINT_PENDING=()
ADDON_DIRS=(supplier_evaluation customer_segmentation supplier_evaluation_requisition
    customer_segmentation_mass_mailing customer_segmentation_crm customer_segmentation_survey
    supplier_evaluation_queue customer_segmentation_queue)

say "Level 1/2: repository tests (pure logic and static checks, no Odoo) and lint"
repo_rc=0
repo_passed=0
repo_failed=0
if ! test_venv; then
    shout "LEVEL 1 NOT RUN: its virtualenv could not be made (see above)."
    echo "repository: 0 passed, 1 failed"
    echo "total: 0 passed, 1 failed"
    exit 1
fi
REPO_LOG=$(mktemp)
"$TEST_PY" -m pytest -q tests 2>&1 | tee "$REPO_LOG"
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
[ "$repo_rc" -ne 0 ] && [ "$repo_failed" -eq 0 ] && repo_failed=1

# Each lint check of LINT_STRICT counts as one test of level 1.
lint_check() {
    local name=$1
    shift
    if "$@"; then
        echo "lint: $name: clean"
        repo_passed=$((repo_passed + 1))
    else
        shout "LINT FAILED: $name (run it as shown in the README's Develop section)."
        repo_failed=$((repo_failed + 1))
        repo_rc=1
    fi
}
RUFF="$TEST_VENV/bin/ruff"
PYLINT="$TEST_VENV/bin/pylint"
# LINT_PENDING left out of LINT_STRICT's lint: ruff's extend-exclude (a TOML list of the
# paths) and pylint's ignore-paths (anchored regular expressions; pylint turns a backslash
# into a slash in them, so a dot stays unescaped: it matches itself too).
ruff_pending="extend-exclude=["
pylint_pending=()
for path in "${LINT_PENDING[@]}"; do
    ruff_pending+="\"$path\","
    pylint_pending+=("^$path\$")
done
ruff_pending="${ruff_pending%,}]"
pylint_ignore=()
if [ "${#pylint_pending[@]}" -gt 0 ]; then
    pylint_ignore=("--ignore-paths=$(IFS=,; echo "${pylint_pending[*]}")")
fi
say "Lint of ${LINT_STRICT[*]} (must be clean)"
lint_check "ruff check ${LINT_STRICT[*]}" "$RUFF" check --no-fix --config "$ruff_pending" "${LINT_STRICT[@]}"
lint_check "ruff format --check ${LINT_STRICT[*]}" "$RUFF" format --check --config "$ruff_pending" "${LINT_STRICT[@]}"
strict_addons=()
for path in "${LINT_STRICT[@]}"; do
    [[ " ${ADDON_DIRS[*]} " == *" $path "* ]] && strict_addons+=("$path")
done
if [ "${#strict_addons[@]}" -gt 0 ]; then
    lint_check "pylint-odoo ${strict_addons[*]}" "$PYLINT" --rcfile=.pylintrc-mandatory \
        "${pylint_ignore[@]}" "${strict_addons[@]}"
fi
if [ "${#LINT_PENDING[@]}" -gt 0 ]; then
    say "Lint of ${#LINT_PENDING[@]} files of LINT_PENDING (not clean yet: counted, not failing)"
    pending_addons=()
    for path in "${LINT_PENDING[@]}"; do
        [[ " ${ADDON_DIRS[*]} " == *" ${path%%/*} "* ]] && pending_addons+=("$path")
    done
    "$RUFF" check --no-fix --statistics "${LINT_PENDING[@]}" | sed 's/^/  ruff: /'
    echo "  ruff format: $("$RUFF" format --check "${LINT_PENDING[@]}" 2>/dev/null | grep -c '^Would reformat') files to reformat"
    if [ "${#pending_addons[@]}" -gt 0 ]; then
        "$PYLINT" --rcfile=.pylintrc-mandatory --output-format=text --msg-template='{symbol}' \
            "${pending_addons[@]}" 2>/dev/null | grep -vE '^\*|^$' | sort | uniq -c | sed 's/^/  pylint-odoo: /'
    fi
fi

if ! find_odoo; then
    odoo_missing_help
    shout "ODOO LEVEL SKIPPED: the Odoo tests of ${ADDONS//,/, } and ${QUEUE_ADDONS//,/, } did NOT run." \
        "Only the repository tests above ran; nothing here says the addons install or work in Odoo."
    echo "repository: $repo_passed passed, $repo_failed failed"
    echo "total: $repo_passed passed, $repo_failed failed"
    exit "$repo_rc"
fi

say "Level 2/2: Odoo tests with ${ODOO_CMD[*]} (Python: $ODOO_PY, Odoo in $ODOO_ROOT)"
install_cleanup
install_requirements || exit 1
need_wkhtmltopdf || exit 1
need_command chromium "the browser tests (tours) run in headless Chromium" chromium chromium-browser google-chrome || exit 1
if grep -rqs pdftotext --include='*.py' "$REPO_ROOT"/*/tests; then
    need_command poppler-utils "the Odoo tests read PDF text with pdftotext" pdftotext || exit 1
fi
start_pg || exit 1
LOG="$PG_DIR/odoo-test.log"
DB_NAME="segeval_test_$$"
: >"$LOG"
odoo_rc=0
failed=0
total=0
# odoo_tests ADDONS ADDONS_PATH: install ADDONS in the test database and run their
# tests; adds their exit status to odoo_rc, their counts to failed and total, and their
# log to LOG.
odoo_tests() {
    local addons=$1 addons_path=$2 run_log="$PG_DIR/odoo-test-$RANDOM.log" tags result run_failed run_total
    tags=$(echo "$addons" | sed 's/\([a-z_]*\)/\/\1/g')
    "${ODOO_CMD[@]}" "${ODOO_DB_ARGS[@]}" --addons-path="$addons_path" -d "$DB_NAME" \
        --data-dir="$PG_DIR/odoo-data" -i "$addons" --test-tags="$tags" --stop-after-init --http-port="$(free_port)" \
        --log-level=test ${ODOO_TEST_ARGS:-} 2>&1 | tee "$run_log" \
        | grep -E --line-buffered "ERROR|FAIL|CRITICAL|Traceback|odoo.tests.result|Starting .*Test|post-tests in|^\s" \
        | grep -v -E "^\s*$"
    [ "${PIPESTATUS[0]}" -ne 0 ] && odoo_rc=1
    result=$(grep -E "odoo.tests.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$run_log" | tail -n 1)
    run_failed=$(sed -E 's/.* ([0-9]+) failed, ([0-9]+) error.* of ([0-9]+) tests.*/\1+\2/' <<<"$result")
    run_total=$(sed -E 's/.* of ([0-9]+) tests.*/\1/' <<<"$result")
    [[ "$run_total" =~ ^[0-9]+$ ]] || run_total=0
    failed=$((failed + ${run_failed:-0}))
    total=$((total + run_total))
    cat "$run_log" >>"$LOG"
}
odoo_tests "$ADDONS" "$ODOO_ADDONS_PATH"
tested_addons=$ADDONS
# The queue_job bridges in a second run on the same database: installed, they turn the
# back-fill wizard and the crons into jobs, so ADDONS' own tests run without them.
if fetch_queue_job "$PG_DIR/queue_job"; then
    say "Queue bridges: $QUEUE_ADDONS with OCA queue_job from $QUEUE_JOB_ADDONS_PATH"
    odoo_tests "$QUEUE_ADDONS" "$ODOO_ADDONS_PATH,$QUEUE_JOB_ADDONS_PATH"
    tested_addons="$ADDONS,$QUEUE_ADDONS"
else
    shout "QUEUE BRIDGES SKIPPED: OCA queue_job is not available ($QUEUE_JOB_MISSING)." \
        "The tests of $QUEUE_ADDONS did NOT run; everything else did." \
        "Give it with QUEUE_JOB_ADDONS_PATH=<folder holding queue_job/>, or run where PyPI is reachable."
fi
odoo_level_rc=$odoo_rc
for addon in ${tested_addons//,/ }; do
    count=$(grep -c "odoo.addons.$addon.tests.* Starting " "$LOG")
    echo "Odoo tests run for $addon: $count"
    if [ "$count" -eq 0 ]; then
        shout "No Odoo test of $addon ran: that is a failure."
        odoo_level_rc=1
    fi
done
grep -q "Failed to initialize database\|Some modules are not loaded\|Failed to load registry" "$LOG" && odoo_level_rc=1
if grep -q "demo data failed to install" "$LOG"; then
    shout "Demo data failed to install: that is a failure." "$(grep -A30 "demo data failed to install" "$LOG" | grep -m1 -A2 "ParseError")"
    odoo_level_rc=1
fi
[ "$failed" -gt 0 ] && odoo_level_rc=1

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
