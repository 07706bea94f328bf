#!/usr/bin/env bash
# A streaming replica of the local PostgreSQL cluster (port 5432) on port 5433, for the read
# replica tests (core/tests/test_dbrouter_replica.py) and for trying replicas out.
#
#   scripts/pg_replica.sh          create it (or do nothing when it already streams), then
#                                  print the DATABASE_REPLICA_URLS to use
#   scripts/pg_replica.sh drop     stop and remove it
#
# Debian's packaged PostgreSQL (pg_lsclusters, pg_createcluster); run as root (or with sudo).
# The replica is a second cluster "replica" of the same version, copied from the primary with
# `pg_basebackup -R` (physical streaming replication). The primary gets a `replication` trust
# line for 127.0.0.1 in its pg_hba.conf (reloaded, not restarted) if it has none; wal_level must
# already be `replica` or `logical` (Debian's default). Every failure ends the script with a
# message and a non-zero status.
set -euo pipefail

PRIMARY_PORT=${PRIMARY_PORT:-5432}
REPLICA_PORT=${REPLICA_PORT:-5433}
NAME=${REPLICA_CLUSTER:-replica}

die() { echo "pg_replica: $*" >&2; exit 1; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
as_postgres() { as_root runuser -u postgres -- "$@"; }
query() { psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtc "$2"; }

primary=$(pg_lsclusters -h | awk -v port="$PRIMARY_PORT" '$3 == port { print $1 " " $2 }')
[[ -n $primary ]] || die "no PostgreSQL cluster on port $PRIMARY_PORT (pg_lsclusters)"
read -r version primary_name <<<"$primary"

if [[ ${1:-} == drop ]]; then
  if pg_lsclusters -h | awk -v v="$version" -v n="$NAME" '$1 == v && $2 == n { found = 1 } END { exit !found }'; then
    as_root pg_dropcluster --stop "$version" "$NAME"
    echo "pg_replica: dropped cluster $version/$NAME"
  fi
  exit 0
fi

url="postgres://postgres@127.0.0.1:$REPLICA_PORT"
if [[ $(query "$REPLICA_PORT" "select pg_is_in_recovery()" 2>/dev/null || true) == t ]]; then
  echo "pg_replica: $version/$NAME already streams from port $PRIMARY_PORT"
  echo "DATABASE_REPLICA_URLS=$url/<database>"
  exit 0
fi

wal_level=$(query "$PRIMARY_PORT" "show wal_level")
[[ $wal_level == replica || $wal_level == logical ]] \
  || die "the primary's wal_level is $wal_level; set it to replica and restart PostgreSQL"
[[ $(query "$PRIMARY_PORT" "show max_wal_senders") -gt 0 ]] || die "the primary's max_wal_senders is 0"

hba=$(query "$PRIMARY_PORT" "show hba_file")
if ! as_root grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
  # Before the other lines: the first matching line wins.
  as_root sed -i '0,/^[[:space:]]*\(local\|host\)/s//host replication all 127.0.0.1\/32 trust\n&/' "$hba"
  as_root grep -q '^host replication all 127.0.0.1/32 trust' "$hba" || die "could not add a replication line to $hba"
  query "$PRIMARY_PORT" "select pg_reload_conf()" >/dev/null
  echo "pg_replica: allowed replication connections from 127.0.0.1 in $hba"
fi

# A leftover cluster of that name (stopped, or no longer a replica) is replaced.
if pg_lsclusters -h | awk -v v="$version" -v n="$NAME" '$1 == v && $2 == n { found = 1 } END { exit !found }'; then
  as_root pg_dropcluster --stop "$version" "$NAME"
fi
as_root pg_createcluster "$version" "$NAME" --port "$REPLICA_PORT" >/dev/null
conf_dir=/etc/postgresql/$version/$NAME
as_root cp "$hba" "$conf_dir/pg_hba.conf"
# A hot standby needs these at least as high as on the primary.
for setting in max_connections max_worker_processes max_wal_senders max_prepared_transactions \
  max_locks_per_transaction; do
  echo "$setting = $(query "$PRIMARY_PORT" "show $setting")" | as_root tee -a "$conf_dir/postgresql.conf" >/dev/null
done
echo "hot_standby = on" | as_root tee -a "$conf_dir/postgresql.conf" >/dev/null

data_dir=$(pg_lsclusters -h | awk -v v="$version" -v n="$NAME" '$1 == v && $2 == n { print $6 }')
[[ -n $data_dir && $data_dir == /var/lib/postgresql/* ]] || die "unexpected data directory '$data_dir'"
as_root find "$data_dir" -mindepth 1 -delete
as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$data_dir" -R -X stream -c fast \
  || die "pg_basebackup from port $PRIMARY_PORT failed"
as_root pg_ctlcluster "$version" "$NAME" start || die "the replica did not start (see /var/log/postgresql/)"

for _ in $(seq 50); do
  if [[ $(query "$REPLICA_PORT" "select pg_is_in_recovery()" 2>/dev/null || true) == t ]]; then
    streaming=$(query "$PRIMARY_PORT" "select count(*) from pg_stat_replication where state = 'streaming'")
    echo "pg_replica: $version/$NAME on port $REPLICA_PORT streams from $version/$primary_name ($streaming streaming)"
    echo "DATABASE_REPLICA_URLS=$url/<database>"
    exit 0
  fi
  sleep 0.2
done
die "the replica on port $REPLICA_PORT did not come up in recovery"
