#!/usr/bin/env bash
# Start the development web server, the background task worker and the supervision loop together.
#
# Ctrl-C (or SIGTERM) stops them all; if one stops by itself, the others are stopped too.
# HOST and PORT choose the address (default 127.0.0.1:8000). Run from `make run`, which has
# already installed, migrated and seeded everything; var/demo-logins.txt holds what
# `manage.py seed_demo` printed, shown again once the server answers.
set -euo pipefail
cd "$(dirname "$0")/.."

host=${HOST:-127.0.0.1}
port=${PORT:-8000}
python=${PYTHON_BIN:-.venv/bin/python}
logins=var/demo-logins.txt
pids=()

stop_all() {
  trap - EXIT INT TERM
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  printf '\n==> Web server, task worker and supervision loop stopped.\n'
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The address a browser on this machine should open.
case $host in
  0.0.0.0 | '::' | '[::]') browse_host=127.0.0.1 ;;
  *:*) browse_host="[${host#[}" && browse_host="${browse_host%]}]" ;;
  *) browse_host=$host ;;
esac
url="http://$browse_host:$port/"
bind=$host
[[ $host == *:* ]] && bind="[${host#[}" && bind="${bind%]}]"

# The task worker: django-tasks-db's db_worker, paused rather than ended by a database error.
"$python" manage.py task_worker --queue-name '*' &
pids+=($!)
"$python" manage.py runserver "$bind:$port" &
pids+=($!)
# The supervision worker (预警/超期/催办/黄牌/红牌), every CASES_SUPERVISION_INTERVAL seconds (60).
"$python" manage.py supervise_cases --loop &
pids+=($!)
# The city hand-off loop (docs/city-handoff.md): retries and updates; idle without a platform.
"$python" manage.py sync_city_handoffs --loop &
pids+=($!)
# Daily housekeeping, as the production timers do: registry import files (ID numbers in clear)
# past REGISTRY_IMPORT_RETENTION_DAYS, ledger exports past CASES_LEDGER_EXPORT_RETENTION_DAYS,
# wish claims past PARTICIPATION_CLAIM_DAYS back to the wall, patrol route points past
# FIELDWORK_ROUTE_RETENTION_DAYS; on PostgreSQL the coming months' partitions of the case
# timeline and the inbox (on SQLite `partitions ensure` only says it has nothing to do).
# SIGTERM (from stop_all) ends the pause as well.
housekeeping() {
  local nap=
  trap 'kill $nap 2>/dev/null; exit 0' TERM
  while true; do
    "$python" manage.py purge_import_files || true
    "$python" manage.py purge_ledger_exports || true
    "$python" manage.py rebuild_rollups --compact || true
    "$python" manage.py release_expired_wish_claims || true
    "$python" manage.py purge_route_points || true
    "$python" manage.py partitions ensure || true
    sleep 86400 &
    nap=$!
    wait "$nap"
  done
}
housekeeping &
pids+=($!)

# Missed patrol windows (漏巡) reach the 网格长's inbox: every half hour, as the production timer.
missed_patrols() {
  local nap=
  trap 'kill $nap 2>/dev/null; exit 0' TERM
  while true; do
    "$python" manage.py notify_missed_patrols || true
    sleep 1800 &
    nap=$!
    wait "$nap"
  done
}
missed_patrols &
pids+=($!)

# Wait (up to a minute) until the server answers its health check, then say where it is.
server_ready() {
  "$python" - "${url}healthz" "${pids[1]}" <<'PY'
import os, sys, time, urllib.request

url, server_pid = sys.argv[1], int(sys.argv[2])
for _ in range(120):
    try:
        with urllib.request.urlopen(url, timeout=2):
            sys.exit(0)
    except OSError:
        try:
            os.kill(server_pid, 0)
        except ProcessLookupError:
            sys.exit(1)
        time.sleep(0.5)
sys.exit(1)
PY
}

if server_ready; then
  printf '\n==================================================================\n'
  printf ' Wangge is running at %s\n' "$url"
  printf ' Background task worker: manage.py task_worker (all queues)\n'
  printf ' Supervision loop: manage.py supervise_cases --loop\n'
  printf ' Daily housekeeping: manage.py purge_import_files, purge_ledger_exports, release_expired_wish_claims, rebuild_rollups --compact, purge_route_points, partitions ensure\n'
  [[ -s $logins ]] && cat "$logins"
  printf '\n Press Ctrl-C to stop the web server and the workers.\n'
  printf '==================================================================\n\n'
fi

# Any process ending (a crash, a port already in use) ends them all.
set +e
wait -n
status=$?
set -e
if (( status != 0 )); then
  printf '==> A process stopped with exit status %s; stopping the other one.\n' "$status" >&2
fi
exit "$status"
