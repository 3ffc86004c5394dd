#!/usr/bin/env bash
# Run every congbo test. First installs and starts what is missing: a PostgreSQL server,
# Chromium and chromedriver (Debian packages), and the georeport Open311 client (PyPI).
# Then runs the whole workspace's tests with the
# PostgreSQL and browser tests required (never skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_URL="${CONGBO_TEST_PG_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
say() { printf '==> %s\n' "$*"; }

# 1. Packages.
missing=()
command -v pg_ctlcluster >/dev/null 2>&1 || command -v pg_isready >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
if ! command -v pg_isready >/dev/null 2>&1; then missing+=(postgresql-client); fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# 2. A running PostgreSQL server that accepts the test URL.
pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! pg_up; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    say "installing postgresql"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
if ! psql "$PG_URL" -qtAc 'SELECT 1' >/dev/null 2>&1; then
  # A stock Debian server asks for a password on TCP: give the postgres role the test password.
  say "setting the postgres role's password for the tests"
  $SUDO runuser -u postgres -- psql -qc "ALTER USER postgres PASSWORD 'postgres'" >/dev/null
  psql "$PG_URL" -qtAc 'SELECT 1' >/dev/null || { echo "cannot connect to $PG_URL" >&2; exit 1; }
fi

# 3. An existing Open311 client library (PyPI georeport) for the Open311 conformance test.
if ! python3 -c 'import georeport' >/dev/null 2>&1; then
  if ! command -v python3 >/dev/null 2>&1; then
    say "installing python3"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-pip >/dev/null
  fi
  say "installing the georeport Open311 client (PyPI)"
  python3 -m pip install -q --disable-pip-version-check 'georeport==0.3.1' 2>/dev/null \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages 'georeport==0.3.1'
fi

# 4. The tests, with nothing skipped.
export CONGBO_TEST_PG_URL="$PG_URL" CONGBO_REQUIRE_PG=1 CONGBO_REQUIRE_BROWSER=1
export CONGBO_REQUIRE_OPEN311_CLIENT=1
log=$(mktemp)
say "cargo test --workspace (PostgreSQL at ${PG_URL%%@*}@…, Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
set +e
cargo test --workspace --all-targets 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
totals=$(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i == "passed;") p += $(i-1); if ($i == "failed;") f += $(i-1) } }
              END { printf "%d passed, %d failed", p, f }' "$log")
rm -f "$log"
echo
echo "$totals"
exit "$status"
