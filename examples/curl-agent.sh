#!/bin/sh
# An agent in plain POSIX sh + awk + curl: what `monitor collect` sends, for a box where installing
# Node is not an option. Runs under dash, busybox ash and bash, with any awk (mawk, gawk, busybox).
# Run it from cron every minute:
#   * * * * * MONITOR_SERVER_URL=http://monitor.example.com:8080 MONITOR_HOST_KEY=mk_... /usr/local/bin/curl-agent.sh
#
# What it measures, as `monitor collect` does: CPU % over the interval since the previous run (from
# /proc/stat counters kept in the state dir; the very first run samples one second), memory % as
# `free` (MemAvailable), disk % of the fullest of MONITOR_MOUNTS (default /, via `df -P`), load.
#
# Nothing is lost when the server is down: each report is written to the spool first, and the spool
# is sent oldest first; a file is deleted only after the server acknowledged it (HTTP 202 with
# "accepted"). A refused key (401/403) spools nothing and exits 1; a report the server refuses as
# invalid (400/413/422) is moved to spool/rejected/ so it does not block the others.
#
# Environment: MONITOR_SERVER_URL, MONITOR_HOST_KEY (required), MONITOR_HOST_NAME (default: hostname),
# MONITOR_STATE_DIR (default /var/lib/monitor/agent), MONITOR_MOUNTS (default /), MONITOR_TIMEOUT
# (seconds per request, default 10), MONITOR_SPOOL_MAX (reports kept, default 10080: a week of minutes).
# Exit 0 delivered; 1 not delivered (kept in the spool, or refused); 2 bad settings.
set -u
LC_ALL=C
export LC_ALL

fail() { code=$1; shift; echo "curl-agent: $*" >&2; exit "$code"; }

[ -n "${MONITOR_SERVER_URL:-}" ] || fail 2 "set MONITOR_SERVER_URL, e.g. http://monitor.example.com:8080"
[ -n "${MONITOR_HOST_KEY:-}" ] || fail 2 "set MONITOR_HOST_KEY (printed by monitor hosts add NAME)"
HOST_NAME=${MONITOR_HOST_NAME:-$(hostname)}
STATE_DIR=${MONITOR_STATE_DIR:-/var/lib/monitor/agent}
MOUNTS=${MONITOR_MOUNTS:-/}
TIMEOUT=${MONITOR_TIMEOUT:-10}
SPOOL_MAX=${MONITOR_SPOOL_MAX:-10080}
SPOOL="$STATE_DIR/spool"
URL="${MONITOR_SERVER_URL%/}/api/v1/reports"

# The name goes into JSON as it is: allow only what the server accepts as a host name.
case $HOST_NAME in
  '' | *[!A-Za-z0-9._-]*) fail 2 "host name '$HOST_NAME' may hold only letters, digits, '.', '_' and '-' (set MONITOR_HOST_NAME)" ;;
esac
command -v curl >/dev/null 2>&1 || fail 2 "curl is not installed"
umask 077
mkdir -p "$SPOOL" 2>/dev/null || fail 2 "cannot create $SPOOL (set MONITOR_STATE_DIR to a directory this user can write)"

# One run at a time: cron may start the next while a slow server holds this one. A lock left by a
# killed run is taken over after 10 minutes.
LOCK="$STATE_DIR/lock"
if ! mkdir "$LOCK" 2>/dev/null; then
  if [ -n "$(find "$LOCK" -maxdepth 0 -mmin +10 2>/dev/null)" ]; then
    rmdir "$LOCK" 2>/dev/null; mkdir "$LOCK" 2>/dev/null || fail 1 "another run holds $LOCK"
  else
    fail 1 "another run is still sending ($LOCK); this one's report is not taken"
  fi
fi
TMP="$STATE_DIR/.response.$$"
trap 'rm -f "$TMP" "$STATE_DIR/.report.$$"; rmdir "$LOCK" 2>/dev/null' EXIT
trap 'exit 1' INT TERM

# ---- sample --------------------------------------------------------------------------------------

# "total idle" of the aggregate cpu line: idle = idle + iowait, as monitor collect counts it.
cpu_ticks() { awk '$1 == "cpu" { t = 0; for (i = 2; i <= NF; i++) t += $i; printf "%.0f %.0f\n", t, $5 + $6; exit }' /proc/stat; }

COUNTERS="$STATE_DIR/cpu-counters"
now_ticks=$(cpu_ticks)
prev_ticks=$(cat "$COUNTERS" 2>/dev/null || true)
if [ -z "$prev_ticks" ]; then
  prev_ticks=$now_ticks
  sleep 1
  now_ticks=$(cpu_ticks)
fi
echo "$now_ticks" > "$COUNTERS"
# No ?: inside printf: mawk parses "printf ... > 0" as output to a file named 0.
cpu=$(echo "$prev_ticks $now_ticks" | awk '{ t = $3 - $1; i = $4 - $2; if (t > 0) v = 100 * (t - i) / t; else v = 0; if (v < 0) v = 0; if (v > 100) v = 100; printf "%.2f\n", v }')
mem=$(awk '
  /^MemTotal:/ { t = $2 } /^MemAvailable:/ { a = $2; has = 1 }
  /^MemFree:/ { f = $2 } /^Buffers:/ { b = $2 } /^Cached:/ { c = $2 }
  END { if (!has) a = f + b + c; v = 0; if (t > 0) v = 100 * (t - a) / t; printf "%.2f\n", v }' /proc/meminfo)
# shellcheck disable=SC2086 # MOUNTS is a list
disk=$(df -P $MOUNTS 2>/dev/null | awk '
  NR > 1 && ($3 + $4) > 0 { v = 100 * $3 / ($3 + $4); if (v > max) max = v; seen = 1 }
  END { if (!seen) exit 1; printf "%.2f\n", max }') || fail 2 "df -P $MOUNTS failed (check MONITOR_MOUNTS)"
read -r load _ < /proc/loadavg
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

report="{\"host_name\":\"$HOST_NAME\",\"collected_at\":\"$now\",\"cpu_pct\":$cpu,\"mem_pct\":$mem,\"disk_pct\":$disk,\"load_1\":$load}"

# ---- spool, then send oldest first ---------------------------------------------------------------

# File names sort oldest first: seconds since the epoch, zero-padded, then the pid.
name=$(printf '%012d-%06d.json' "$(date -u +%s)" "$$")
printf '{"reports":[%s]}\n' "$report" > "$STATE_DIR/.report.$$" && mv "$STATE_DIR/.report.$$" "$SPOOL/$name" ||
  fail 1 "cannot write to $SPOOL"

# A spool past its limit loses its oldest reports, not the newest.
count=$(ls "$SPOOL" | grep -c '\.json$')
if [ "$count" -gt "$SPOOL_MAX" ]; then
  ls "$SPOOL" | grep '\.json$' | sort | head -n "$((count - SPOOL_MAX))" | while read -r old; do rm -f "$SPOOL/$old"; done
  echo "curl-agent: spool over $SPOOL_MAX reports: dropped the $((count - SPOOL_MAX)) oldest" >&2
fi

rejected=0
for file in $(ls "$SPOOL" | grep '\.json$' | sort); do
  status=$(curl --silent --show-error --max-time "$TIMEOUT" -o "$TMP" -w '%{http_code}' \
    -H "Authorization: Bearer $MONITOR_HOST_KEY" -H 'Content-Type: application/json' \
    --data-binary "@$SPOOL/$file" "$URL" 2>&1)
  case $status in
    202)
      if grep -q '"accepted"' "$TMP"; then
        rm -f "$SPOOL/$file"
        continue
      fi
      fail 1 "the server at $URL answered 202 without an acknowledgement (a proxy?); $(ls "$SPOOL" | grep -c '\.json$') report(s) stay in $SPOOL"
      ;;
    401 | 403)
      # The key is wrong: retrying cannot help. This run's report is not kept; older ones wait for the fix.
      rm -f "$SPOOL/$name"
      fail 1 "server refused the report ($status): $(cat "$TMP" 2>/dev/null) - check MONITOR_HOST_KEY; \`monitor hosts rotate-key $HOST_NAME\` prints a new key"
      ;;
    400 | 413 | 422)
      mkdir -p "$SPOOL/rejected" && mv "$SPOOL/$file" "$SPOOL/rejected/$file"
      echo "curl-agent: server refused $file ($status): $(cat "$TMP" 2>/dev/null); moved to $SPOOL/rejected/" >&2
      rejected=$((rejected + 1))
      ;;
    *)
      left=$(ls "$SPOOL" | grep -c '\.json$')
      fail 1 "could not deliver the report: $(echo "$status" | tr '\n' ' ')for $URL - $left report(s) kept in the spool are sent first on the next run"
      ;;
  esac
done
[ "$rejected" -eq 0 ] || exit 1
exit 0
