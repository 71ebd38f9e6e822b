#!/usr/bin/env bash
# Command 2 of the README: type check, lint, format check and every test, with the
# store tests on SQLite and on a PostgreSQL 15 this script starts and stops itself.
# Ends with one line, "N passed, N failed", over every runner it ran.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$REPO_ROOT"

started_at=$SECONDS
ensure_dependencies

RESULTS_DIR="$REPO_ROOT/.test-results"
rm -rf "$RESULTS_DIR"
mkdir -p "$RESULTS_DIR"

# --- PostgreSQL 15 on 127.0.0.1, on a port of its own ---------------------------
# runuser and PostgreSQL tools live in sbin folders that a minimal PATH lacks.
export PATH="$PATH:/usr/sbin:/sbin"
PG_BIN=/usr/lib/postgresql/15/bin
if [[ ! -x "$PG_BIN/pg_ctl" ]]; then
  echo "tributary: installing PostgreSQL 15 (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
fi
PG_DIR="$(mktemp -d /tmp/tributary-pg.XXXXXX)"
PG_PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
chown postgres:postgres "$PG_DIR"
as_postgres() { runuser -u postgres -- "$@"; }
stop_postgres() {
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_postgres EXIT
as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust >/dev/null
as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
echo "tributary: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$PG_PORT"

export CI=true
export BACKSTAGE_TEST_DISABLE_DOCKER=1
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$PG_PORT"
export TRIBUTARY_REQUIRE_POSTGRES=1

# --- The runners ------------------------------------------------------------------
run_check() {
  local name="$1"
  shift
  echo "::: $name"
  if "$@" >"$RESULTS_DIR/$name.log" 2>&1; then
    echo "passed" >"$RESULTS_DIR/$name.status"
    tail -n 3 "$RESULTS_DIR/$name.log"
  else
    echo "failed" >"$RESULTS_DIR/$name.status"
    cat "$RESULTS_DIR/$name.log"
  fi
}

run_check typecheck yarn tsc
run_check lint yarn backstage-cli repo lint
run_check prettier yarn prettier --check .

echo "::: jest"
jest_status=0
yarn backstage-cli repo test --ci --json --outputFile="$RESULTS_DIR/jest.json" || jest_status=$?

echo "::: e2e"
if ! command -v chromium >/dev/null 2>&1; then
  echo "tributary: installing Chromium (Debian package)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The journeys run against the built app, served by the backend on the
# embedded default with the demo data.
if yarn workspace app build >"$RESULTS_DIR/app-build.log" 2>&1; then
  node e2e/run.js || true
else
  echo "the app did not build; see $RESULTS_DIR/app-build.log"
  echo '{"tests":[{"name":"the app builds","status":"failed"}]}' >"$RESULTS_DIR/e2e.json"
fi

node scripts/summarize-tests.js "$RESULTS_DIR" "$jest_status" "$((SECONDS - started_at))"
