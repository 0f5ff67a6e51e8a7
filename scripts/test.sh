#!/usr/bin/env bash
# README, second command: the whole suite. Lint, types, Django's checks, then pytest on SQLite and on
# PostgreSQL. Extra arguments go to pytest (e.g. ./scripts/test.sh -k demo -x).
# Exit status is non-zero if any step fails. Screenshots of the browser tests land in test-artifacts/.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"

ensure_install
ensure_chromium
ensure_libreoffice
export PATH="$VENV/bin:$PATH"
unset DJANGO_SETTINGS_MODULE DATABASE_URL
mkdir -p test-artifacts

PG_PORT="${DANGVU_TEST_PG_PORT:-55432}"
# The CI machine's server; DANGVU_TEST_PG_CI_PORT=1 forces the fallbacks (for trying them out).
PG_CI_PORT="${DANGVU_TEST_PG_CI_PORT:-5432}"
PG_URL_CI="postgresql://postgres@127.0.0.1:$PG_CI_PORT/test"
summary=()
failed=0
tmp="$(mktemp -d /tmp/dangvu-test.XXXXXX)"
pg_tmp=""

cleanup() {
    if [ -n "$pg_tmp" ]; then
        pg_run "$PG_BIN/pg_ctl" -D "$pg_tmp/data" -m immediate -w stop >/dev/null 2>&1 || true
        rm -rf "$pg_tmp"
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT

step() {
    local name="$1"
    shift
    log "$name"
    if "$@"; then
        summary+=("OK    $name")
    else
        summary+=("LỖI   $name")
        failed=1
    fi
}

# pytest with a JUnit report, then a one-line count for the summary.
run_pytest() {
    local label="$1" report="test-artifacts/junit-$1.xml"
    shift
    log "pytest trên $label"
    local status=0
    pytest -p no:cacheprovider --junitxml="$report" "$@" || status=$?
    local counts
    counts="$(python - "$report" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("không có kết quả")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else list(root)
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(f"{total - failed - skipped} đạt, {failed} lỗi, {skipped} bỏ qua")
PY
)"
    if [ "$status" -eq 0 ]; then
        summary+=("OK    pytest $label: $counts")
    else
        summary+=("LỖI   pytest $label: $counts")
        failed=1
    fi
}

deploy_check() {
    DANGVU_HTTPS=1 DANGVU_DEBUG=0 DANGVU_ALLOWED_HOSTS=dangvu.example.vn \
        DANGVU_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        DANGVU_DATA_DIR="$tmp" DATABASE_URL="sqlite:///$tmp/deploy.sqlite3" \
        python manage.py check --deploy --fail-level WARNING
}

# Run a PostgreSQL binary; as root, through the `postgres` account (initdb refuses to run as root).
pg_run() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

find_pg_bin() {
    local candidate
    for candidate in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" \
        $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && [ -x "$candidate/createdb" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# Start a throwaway cluster in a temp dir on 127.0.0.1:$PG_PORT; prints its URL.
start_throwaway_pg() {
    PG_BIN="$(find_pg_bin)" || return 1
    pg_tmp="$(mktemp -d /tmp/dangvu-pg.XXXXXX)"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || return 1
        chown postgres "$pg_tmp"
    fi
    log "Khởi động PostgreSQL tạm ($PG_BIN) trên cổng $PG_PORT"
    pg_run "$PG_BIN/initdb" -D "$pg_tmp/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null || return 1
    pg_run "$PG_BIN/pg_ctl" -D "$pg_tmp/data" -l "$pg_tmp/log" -w \
        -o "-p $PG_PORT -k $pg_tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null || return 1
    pg_run "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres test || return 1
    PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/test"
}

pg_answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h 127.0.0.1 -p "$PG_CI_PORT" -t 3
    elif command -v psql >/dev/null 2>&1; then
        psql "$PG_URL_CI" -qtAc "select 1" >/dev/null 2>&1
    else
        python -c 'import psycopg; psycopg.connect("'"$PG_URL_CI"'", connect_timeout=3).close()' 2>/dev/null
    fi
}

step "ruff check" ruff check .
step "ruff format --check" ruff format --check .
step "mypy" mypy dangvu tests
step "manage.py check" python manage.py check
step "makemigrations --check" python manage.py makemigrations --check --dry-run
step "check --deploy (cấu hình production)" deploy_check

run_pytest SQLite "$@"

PG_URL=""
if pg_answers; then
    PG_URL="$PG_URL_CI"
elif start_throwaway_pg; then
    :
else
    PG_URL=""
fi
if [ -n "$PG_URL" ]; then
    DATABASE_URL="$PG_URL" run_pytest PostgreSQL "$@"
else
    printf '\n\033[1;41;97m%s\033[0m\n\n' "  PostgreSQL: KHÔNG CHẠY — bỏ qua bộ kiểm thử trên PostgreSQL  " >&2
    summary+=("BỎ QUA pytest PostgreSQL: không có máy chủ PostgreSQL")
fi

printf '\n\033[1m===== Tóm tắt =====\033[0m\n'
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    printf '\033[1;31mCÓ LỖI.\033[0m\n'
    exit 1
fi
printf '\033[1;32mTất cả đều đạt.\033[0m\n'
