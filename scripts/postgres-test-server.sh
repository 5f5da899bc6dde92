#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite and the benches: a fresh cluster in a
# temporary directory, listening on 127.0.0.1 on a free port, with one empty database.
#
#   eval "$(scripts/postgres-test-server.sh start)"    # exports MLBUILD_TEST_POSTGRES_URL and _DIR
#   scripts/postgres-test-server.sh restart [DIR]      # fast restart (the fault tests use it)
#   scripts/postgres-test-server.sh stop [DIR]         # stops it and deletes the directory
#
# `start --durable` keeps fsync on (for throughput figures); by default the cluster trades
# durability for speed, which a test database can afford.
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user that
# Debian's package creates. Binaries: $POSTGRES_BIN, else the newest /usr/lib/postgresql/*/bin,
# else whatever is on PATH.
set -euo pipefail

find_binaries() {
  if [[ -n "${POSTGRES_BIN:-}" ]]; then
    echo "$POSTGRES_BIN"
    return
  fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$newest" ]]; then
    echo "$newest"
  elif command -v initdb >/dev/null; then
    dirname "$(command -v initdb)"
  else
    echo "postgres-test-server: no PostgreSQL binaries (apt-get install -y postgresql)" >&2
    exit 1
  fi
}

# Runs a server binary as a user PostgreSQL accepts.
as_server_user() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if port_is_free "$port"; then
      echo "$port"
      return
    fi
  done
  echo "postgres-test-server: no free port found" >&2
  exit 1
}

start() {
  local durable=${1:-}
  local bin directory password port
  bin=$(find_binaries)
  directory=$(mktemp -d "${TMPDIR:-/tmp}/mlbuild-postgres.XXXXXX")
  chmod 755 "$directory"
  password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$directory/password"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres "$directory"; fi

  as_server_user "$bin/initdb" -D "$directory/data" -U mlbuild --pwfile="$directory/password" \
    --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C --no-sync >"$directory/initdb.log"
  rm -f "$directory/password"

  {
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = '$directory'"
    echo "max_connections = 200"
    if [[ "$durable" != "--durable" ]]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } | as_server_user tee -a "$directory/data/postgresql.conf" >/dev/null

  # Another process may take the port between the check and the start: try a few.
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_server_user "$bin/pg_ctl" -D "$directory/data" -l "$directory/server.log" -w -t 60 \
      -o "-p $port" start >/dev/null; then
      break
    fi
    if [[ $attempt -eq 5 ]]; then
      echo "postgres-test-server: the server did not start; see $directory/server.log" >&2
      exit 1
    fi
  done
  echo "port = $port" | as_server_user tee -a "$directory/data/postgresql.conf" >/dev/null

  as_server_user "$bin/createdb" -h "$directory" -p "$port" -U mlbuild mlbuild_test
  echo "export MLBUILD_TEST_POSTGRES_URL=postgres://mlbuild:$password@127.0.0.1:$port/mlbuild_test"
  echo "export MLBUILD_TEST_POSTGRES_DIR=$directory"
}

directory_argument() {
  local directory=${1:-${MLBUILD_TEST_POSTGRES_DIR:-}}
  if [[ -z "$directory" || ! -d "$directory/data" ]]; then
    echo "postgres-test-server: give the directory that start printed (MLBUILD_TEST_POSTGRES_DIR)" >&2
    exit 2
  fi
  echo "$directory"
}

restart() {
  local directory
  directory=$(directory_argument "${1:-}")
  as_server_user "$(find_binaries)/pg_ctl" -D "$directory/data" -l "$directory/server.log" \
    -m fast -w -t 60 restart >/dev/null
}

stop() {
  local directory
  directory=$(directory_argument "${1:-}")
  as_server_user "$(find_binaries)/pg_ctl" -D "$directory/data" -m fast -w -t 60 stop >/dev/null ||
    true
  rm -rf "$directory"
}

case "${1:-}" in
start) start "${2:-}" ;;
restart) restart "${2:-}" ;;
stop) stop "${2:-}" ;;
*)
  echo "usage: $0 start [--durable] | restart [DIR] | stop [DIR]" >&2
  exit 2
  ;;
esac
