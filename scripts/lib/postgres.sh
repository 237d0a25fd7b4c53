#!/usr/bin/env bash
# Throwaway PostgreSQL server for tests (Debian's server binaries, fsync off,
# trust auth, loopback only, random free port, deleted on exit).
#
# Sourced:   pg_start   -> sets PG_TMP_DIR, PG_PORT, PG_URL and traps EXIT to pg_stop
#                          (it replaces an existing EXIT trap: call it in a subshell)
#            pg_stop    -> stops the server and removes PG_TMP_DIR (idempotent)
# Executed:  scripts/lib/postgres.sh CMD [ARGS...]
#            starts a server, runs CMD with PG_URL, COMPANION_TEST_DATABASE_URL,
#            PGHOST, PGPORT, PGUSER set, then stops it and returns CMD's status.
#            e.g. scripts/lib/postgres.sh psql -c 'select 1'

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PG_MAJOR="${PG_MAJOR:-15}"
PG_BINDIR="${PG_BINDIR:-/usr/lib/postgresql/$PG_MAJOR/bin}"
PG_TMP_DIR=""
PG_PORT=""
PG_URL=""

# Run a server binary as the `postgres` system user when we are root (initdb refuses root).
pg_as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$PG_TMP_DIR" && runuser -u postgres -- "$@")
  else
    (cd "$PG_TMP_DIR" && "$@")
  fi
}

pg_port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pg_start() {
  [[ -x "$PG_BINDIR/initdb" && -x "$PG_BINDIR/pg_ctl" ]] \
    || die "PostgreSQL $PG_MAJOR server binaries not found in $PG_BINDIR (run scripts/setup --for test)"
  PG_TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/autoresume-pg.XXXXXX")"
  trap pg_stop EXIT
  trap "exit 130" INT
  trap "exit 143" TERM
  chmod 700 "$PG_TMP_DIR"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown postgres:postgres "$PG_TMP_DIR"
  fi
  if ! pg_as_owner "$PG_BINDIR/initdb" -D "$PG_TMP_DIR/data" -A trust -U postgres \
      -E UTF8 --locale=C --no-sync --no-instructions >"$PG_TMP_DIR/initdb.log" 2>&1; then
    cat "$PG_TMP_DIR/initdb.log" >&2
    die "initdb failed"
  fi
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    pg_port_in_use "$port" && continue
    if pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_TMP_DIR/data" -l "$PG_TMP_DIR/server.log" -w -t 60 \
        -o "-p $port -k $PG_TMP_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null; then
      PG_PORT="$port"
      PG_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
      export PG_TMP_DIR PG_PORT PG_URL
      return 0
    fi
    warn "pg_ctl start on port $port failed (attempt $attempt); retrying"
  done
  cat "$PG_TMP_DIR/server.log" >&2 || true
  die "could not start PostgreSQL"
}

pg_stop() {
  [[ -n "$PG_TMP_DIR" && -d "$PG_TMP_DIR" ]] || return 0
  if [[ -f "$PG_TMP_DIR/data/postmaster.pid" ]]; then
    pg_as_owner "$PG_BINDIR/pg_ctl" -D "$PG_TMP_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_TMP_DIR"
  PG_TMP_DIR=""
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
  if [[ $# -eq 0 || "$1" == "-h" || "$1" == "--help" ]]; then
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
  fi
  pg_start
  ok "PostgreSQL $PG_MAJOR on 127.0.0.1:$PG_PORT (data in $PG_TMP_DIR)"
  status=0
  PGHOST=127.0.0.1 PGPORT="$PG_PORT" PGUSER=postgres COMPANION_TEST_DATABASE_URL="$PG_URL" "$@" || status=$?
  exit "$status"
fi
