#!/bin/sh
# An agent in plain sh + curl: what `monitor collect` sends, for a box where installing Node is not
# an option. Run it from cron every minute:
#   * * * * * MONITOR_SERVER_URL=http://monitor.example.com:8080 MONITOR_HOST_KEY=mk_... /usr/local/bin/curl-agent.sh
# It measures CPU over one second (it keeps no counters between runs, unlike `monitor collect`),
# memory as `free` does (MemAvailable), and the usage of / as `df` does. No spool: a report the
# server does not acknowledge is lost (curl exits non-zero and cron mails you).
set -eu
: "${MONITOR_SERVER_URL:?set MONITOR_SERVER_URL, e.g. http://monitor.example.com:8080}"
: "${MONITOR_HOST_KEY:?set MONITOR_HOST_KEY (printed by monitor hosts add NAME)}"
HOST_NAME=${MONITOR_HOST_NAME:-$(hostname)}

cpu_ticks() { awk '/^cpu /{ idle=$5+$6; total=0; for (i=2;i<=NF;i++) total+=$i; print total, idle }' /proc/stat; }
set -- $(cpu_ticks); total1=$1 idle1=$2
sleep 1
set -- $(cpu_ticks); total2=$1 idle2=$2
cpu=$(awk -v t="$((total2 - total1))" -v i="$((idle2 - idle1))" 'BEGIN { printf "%.2f", t > 0 ? 100 * (t - i) / t : 0 }')
mem=$(awk '/^MemTotal:/{t=$2} /^MemAvailable:/{a=$2} END { printf "%.2f", 100 * (t - a) / t }' /proc/meminfo)
disk=$(df -P / | awk 'NR==2 { used=$3; avail=$4; printf "%.2f", 100 * used / (used + avail) }')
load=$(cut -d' ' -f1 /proc/loadavg)
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)

curl --silent --show-error --fail-with-body --max-time 10 \
  -H "Authorization: Bearer $MONITOR_HOST_KEY" \
  -H 'Content-Type: application/json' \
  -d "{\"host_name\":\"$HOST_NAME\",\"collected_at\":\"$now\",\"cpu_pct\":$cpu,\"mem_pct\":$mem,\"disk_pct\":$disk,\"load_1\":$load}" \
  "$MONITOR_SERVER_URL/api/v1/reports" >/dev/null
