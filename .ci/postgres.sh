#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the PostgresStorage tests.
#
#   .ci/postgres.sh start DIR   installs PostgreSQL if no server binaries are found, creates a cluster
#                               in DIR (must not exist or be empty), starts it on 127.0.0.1 on a free
#                               port, creates user and database "tubemail", and writes DIR/env:
#                               export TUBEMAIL_PG_URL=... TUBEMAIL_PG_USER=... TUBEMAIL_PG_PASSWORD=...
#   .ci/postgres.sh stop DIR    stops the cluster (keeps its files)
#   .ci/postgres.sh restart DIR starts a stopped cluster again on the same port
#   .ci/postgres.sh clean DIR   stops the cluster and deletes DIR
#   .ci/postgres.sh standby DIR PRIMARY_DIR
#                               makes DIR a streaming standby of the running cluster in PRIMARY_DIR
#                               (pg_basebackup -R), starts it on its own free port, writes DIR/env
#   .ci/postgres.sh promote DIR promotes the standby in DIR to a primary
#   .ci/postgres.sh crash DIR   stops the cluster at once, as a crash would (pg_ctl stop -m immediate)
set -euo pipefail

usage="usage: postgres.sh start|stop|restart|clean|promote|crash DIR, or standby DIR PRIMARY_DIR"
cmd=${1:?$usage}
dir=${2:?$usage}

find_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      echo "$d"
    fi
  done | sort -V | tail -n 1
}

bin=$(find_bin)
if [[ -z "$bin" && "$cmd" == start ]]; then
  echo "postgres.sh: no PostgreSQL server binaries found, installing the postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q postgresql >&2
  bin=$(find_bin)
fi
if [[ -z "$bin" ]]; then
  echo "postgres.sh: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin" >&2
  exit 1
fi

if [[ $(id -u) -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi

# PostgreSQL refuses to run as root: run the server as the postgres user the package creates.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

# A port in 20000-59999 that nothing on 127.0.0.1 answers on.
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  echo "postgres.sh: no free port found" >&2
  exit 1
}

pg_ctl_run() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 "$@" >&2
}

# Starts the cluster in $dir on a free port (another process may take it between check and bind:
# tries a few) and records the port.
start_on_free_port() {
  for attempt in 1 2 3; do
    port=$(free_port)
    echo "port = $port" >> "$dir/data/postgresql.conf"
    if pg_ctl_run start; then
      break
    fi
    tail -n 5 "$dir/server.log" >&2
    if [[ $attempt -eq 3 ]]; then
      exit 1
    fi
  done
  echo "$port" > "$dir/port"
}

write_env() {
  cat > "$dir/env" <<EOF
export TUBEMAIL_PG_URL=jdbc:postgresql://127.0.0.1:$port/tubemail
export TUBEMAIL_PG_USER=tubemail
export TUBEMAIL_PG_PASSWORD=$password
export TUBEMAIL_PG_DIR=$dir
EOF
  cat "$dir/env"
}

# Creates $dir (which must not exist or be empty) with its socket folder and password file, owned by
# the server's user.
new_dir() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [[ -n "$(ls -A "$dir")" ]]; then
    echo "postgres.sh: $dir is not empty" >&2
    exit 1
  fi
  mkdir -p "$dir/socket"
  echo "$password" > "$dir/pwfile"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres "$dir"
    chmod 755 "$dir"
  fi
}

case "$cmd" in
  start)
    password=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    new_dir
    as_owner "$bin/initdb" -D "$dir/data" -U tubemail --pwfile="$dir/pwfile" -A scram-sha-256 -E UTF8 --no-locale >/dev/null
    cat >> "$dir/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir/socket'
fsync = off
EOF
    start_on_free_port
    as_owner env PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$port" -U tubemail -d postgres \
      -c "CREATE DATABASE tubemail OWNER tubemail" >&2
    write_env
    ;;
  standby)
    primary=$(cd "${3:?$usage}" && pwd)
    password=$(cat "$primary/pwfile")
    new_dir
    as_owner env PGPASSWORD="$password" "$bin/pg_basebackup" -h 127.0.0.1 -p "$(cat "$primary/port")" -U tubemail \
      -D "$dir/data" -R -X stream -c fast >&2
    echo "unix_socket_directories = '$dir/socket'" >> "$dir/data/postgresql.conf"
    start_on_free_port
    write_env
    ;;
  promote)
    pg_ctl_run promote
    ;;
  crash)
    pg_ctl_run stop -m immediate
    ;;
  stop)
    pg_ctl_run stop -m fast
    ;;
  restart)
    pg_ctl_run start
    ;;
  clean)
    if [[ -f "$dir/data/postmaster.pid" ]]; then
      pg_ctl_run stop -m immediate || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "$usage" >&2
    exit 2
    ;;
esac
