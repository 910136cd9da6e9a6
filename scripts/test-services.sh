#!/usr/bin/env bash
# Makes Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432) available for the integration tests
# on a Debian dev machine or CI runner. Idempotent: anything already running is left alone.
# Runs as root (installs packages, switches to the postgres user).
#
# The tests then use:
#   redis://127.0.0.1:6379
#   postgres://newsworker:newsworker@127.0.0.1:5432/newsworker_test  (TEST_DATABASE_URL overrides)
set -euo pipefail

PG_ROLE=newsworker
PG_PASSWORD=newsworker
PG_DATABASE=newsworker_test
PG_CLUSTER=main

say() { printf 'test-services: %s\n' "$*"; }

if [[ $(id -u) -ne 0 ]]; then
  say "must run as root (it may install packages and start services)" >&2
  exit 1
fi

# --- packages ---------------------------------------------------------------------------------
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
  || missing+=(postgresql)
# Debian's chromium drives the dashboards' browser test (playwright-core never downloads one).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y "${missing[@]}"
else
  say "redis-server, postgresql and chromium already installed"
fi

# --- Redis ------------------------------------------------------------------------------------
if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  say "redis already answers on 127.0.0.1:6379"
else
  # No persistence: test data is disposable, and RDB/AOF writes only slow the tests down.
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes \
    --logfile /tmp/newsworker-test-redis.log
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG
  say "started redis on 127.0.0.1:6379 (no persistence)"
fi

# --- PostgreSQL -------------------------------------------------------------------------------
# The newest installed major version (15 on Debian bookworm).
PG_VERSION=$(ls /usr/lib/postgresql | sort -n | tail -n 1)

if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { f = 1 } END { exit !f }'; then
  pg_createcluster --port 5432 "$PG_VERSION" "$PG_CLUSTER"
  say "created cluster $PG_VERSION/$PG_CLUSTER"
fi

status=$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $4 }')
if [[ $status == online* ]]; then
  say "postgresql $PG_VERSION/$PG_CLUSTER already running"
else
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  say "started postgresql $PG_VERSION/$PG_CLUSTER"
fi

for _ in $(seq 1 100); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.1
done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { say "postgresql does not answer on 127.0.0.1:5432" >&2; exit 1; }

as_postgres() { runuser -u postgres -- psql -p 5432 -v ON_ERROR_STOP=1 -qtA "$@"; }

if [[ $(as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'") == 1 ]]; then
  say "role $PG_ROLE exists"
else
  # CREATEDB so a test may also isolate itself in a database of its own.
  as_postgres -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
  say "created role $PG_ROLE"
fi

if [[ $(as_postgres -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'") == 1 ]]; then
  say "database $PG_DATABASE exists"
else
  as_postgres -c "CREATE DATABASE $PG_DATABASE OWNER $PG_ROLE"
  say "created database $PG_DATABASE"
fi

PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p 5432 -U "$PG_ROLE" -d "$PG_DATABASE" -qtAc 'SELECT 1' >/dev/null
say "ready: redis://127.0.0.1:6379 and postgres://$PG_ROLE:***@127.0.0.1:5432/$PG_DATABASE"
