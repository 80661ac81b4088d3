#!/usr/bin/env bash
# sendguard-agent's relay overhead, side by side in one run: bench/smtp_load sends the same
# load straight to Postfix's smtp-sink and through the agent (relaying to that smtp-sink),
# alternating, RUNS times each; prints the median wall time of each side, their ratio and
# the median p50/p99 latency a message gains. Internal recipients: nothing is scanned.
# Then the agent's idle memory (RSS, private) from /proc/PID/smaps_rollup.
#
#   bench/run_relay_bench.sh [BUILD_DIR] [RUNS]
#
# Loads (all 10 KB messages):
#   a) 500 messages, 10 per connection, one sender
#   b) 500 messages, one per connection (what Thunderbird does), one sender
#   c) 2000 messages, 10 per connection, 4 and 16 senders at once
#   d) 2000 messages, one per connection, 4 and 16 senders at once
#   x) 50 messages to an outside address carrying a 5 MB XLSX resident list (scanned in
#      full; bench/make_xlsx.py), one per connection, once: the time a scan takes next to
#      `doccheck --json` on the same file alone (SENDGUARD_XLSX_MESSAGES=50)
# "agent CPU" is the agent process's user+system time per message (/proc/PID/stat), the
# figure that holds when other processes share the cores; wall times and latencies do not.
# SENDGUARD_AGENT=path runs another agent binary (an older build, to compare);
# SENDGUARD_AGENT_WRAP (e.g. "strace -f -c -o /tmp/agent.strace") runs the agent under a
# profiler; SENDGUARD_BENCH_ONLY=a|b|c|d runs one load only.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$here/build}"
runs="${2:-5}"
work=$(mktemp -d)
trap 'kill ${agent_pid:-} $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
sink_port=${SINK_PORT:-32525}
agent_port=${AGENT_PORT:-32587}
/usr/sbin/smtp-sink -u "$(id -un)" 127.0.0.1:$sink_port 256 > /dev/null 2>&1 &
# shellcheck disable=SC2086
${SENDGUARD_AGENT_WRAP:-} "${SENDGUARD_AGENT:-$build/agent/sendguard-agent}" --listen 127.0.0.1:$agent_port \
  --upstream 127.0.0.1:$sink_port --prompt-timeout 0 \
  --policy "$here/mailcheck/default_policy.json" --state-dir "$work/state" > "$work/agent.log" 2>&1 &
for _ in $(seq 100); do
  (exec 3<> /dev/tcp/127.0.0.1/$agent_port) 2> /dev/null && break
  sleep 0.1
done
agent_pid=$(pgrep -n -f -- "--listen 127.0.0.1:$agent_port" || true)
memory() {
  awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Private_Clean:/ {pc=$2} /^Private_Dirty:/ {pd=$2}
    /^Anonymous:/ {a=$2} END {
    printf "RSS %.1f MB, PSS %.1f MB, private %.1f MB (clean %.1f, dirty %.1f), anonymous %.1f MB",
      r/1024, p/1024, (pc+pd)/1024, pc/1024, pd/1024, a/1024}' \
    /proc/"$agent_pid"/smaps_rollup
}
[ -n "$agent_pid" ] && echo "idle agent (pid $agent_pid): $(memory)"

median() { sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
# The agent's user+system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' /proc/"$agent_pid"/stat; }
# load NAME ARGS...: RUNS alternating runs of each side; prints one Markdown table row.
load() {
  local name=$1; shift
  local messages=500 ticks=0 before
  for ((i = 1; i <= $#; i++)); do [ "${!i}" = --messages ] && { j=$((i + 1)); messages=${!j}; }; done
  : > "$work/direct"; : > "$work/through"
  for _ in $(seq "$runs"); do
    "$build/bench/smtp_load" --port $sink_port "$@" >> "$work/direct"
    before=$(cpu_ticks)
    "$build/bench/smtp_load" --port $agent_port "$@" >> "$work/through"
    ticks=$((ticks + $(cpu_ticks) - before))
  done
  local cpu_ms
  cpu_ms=$(echo "$ticks * 1000 / $(getconf CLK_TCK) / ($runs * $messages)" | bc -l)
  local d t dp50 tp50 dp99 tp99
  d=$(field seconds < "$work/direct" | median); t=$(field seconds < "$work/through" | median)
  dp50=$(field p50_ms < "$work/direct" | median); tp50=$(field p50_ms < "$work/through" | median)
  dp99=$(field p99_ms < "$work/direct" | median); tp99=$(field p99_ms < "$work/through" | median)
  printf "| %s | %.3f s | %.3f s | %.2f× | %.3f / %.3f ms | %.3f / %.3f ms | %+.3f / %+.3f ms | %.3f ms |\n" \
    "$name" "$d" "$t" "$(echo "$t / $d" | bc -l)" "$dp50" "$dp99" "$tp50" "$tp99" \
    "$(echo "$tp50 - $dp50" | bc -l)" "$(echo "$tp99 - $dp99" | bc -l)" "$cpu_ms"
}
only=${SENDGUARD_BENCH_ONLY:-}
echo "| load (10 KB, internal; median of $runs) | direct | through the agent | ratio | direct p50 / p99 | agent p50 / p99 | added p50 / p99 | agent CPU / message |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
if [ -z "$only" ] || [ "$only" = a ]; then
  load "a) 500, 10 per connection, 1 sender" --messages 500 --per-connection 10 --senders 1
fi
if [ -z "$only" ] || [ "$only" = b ]; then
  load "b) 500, 1 per connection, 1 sender" --messages 500 --per-connection 1 --senders 1
fi
if [ -z "$only" ] || [ "$only" = c ]; then
  load "c) 2000, 10 per connection, 4 senders" --messages 2000 --per-connection 10 --senders 4
  load "c) 2000, 10 per connection, 16 senders" --messages 2000 --per-connection 10 --senders 16
fi
if [ -z "$only" ] || [ "$only" = d ]; then
  load "d) 2000, 1 per connection, 4 senders" --messages 2000 --per-connection 1 --senders 4
  load "d) 2000, 1 per connection, 16 senders" --messages 2000 --per-connection 1 --senders 16
fi
if [ -z "$only" ] || [ "$only" = x ]; then
  xlsx="${SENDGUARD_XLSX:-/tmp/sendguard-bench/rows5mb.xlsx}"
  if [ ! -f "$xlsx" ]; then
    mkdir -p "$(dirname "$xlsx")" && /usr/bin/python3 "$here/bench/make_xlsx.py" "$xlsx" 5
  fi
  /usr/bin/python3 - "$xlsx" "$work/xlsx.eml" <<'PY'
import sys
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "a@city.honjo.lg.jp"
m["To"] = "a.yamada@example.ne.jp"
m["Subject"] = "名簿"
m.set_content("添付のとおりです。\n")
m.add_attachment(open(sys.argv[1], "rb").read(), maintype="application",
                 subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 filename="meibo.xlsx")
open(sys.argv[2], "wb").write(bytes(m))
PY
  n=${SENDGUARD_XLSX_MESSAGES:-50}
  x_args=(--messages "$n" --per-connection 1 --to a.yamada@example.ne.jp --data "$work/xlsx.eml")
  "$build/bench/smtp_load" --port $sink_port "${x_args[@]}" > "$work/xdirect"
  before=$(cpu_ticks)
  "$build/bench/smtp_load" --port $agent_port "${x_args[@]}" > "$work/xthrough"
  xcpu=$(echo "($(cpu_ticks) - $before) / $(getconf CLK_TCK) / $n" | bc -l)
  scan=$( { /usr/bin/time -f "%e %U %S" "$build/doccheck/doccheck" --json "$xlsx" > /dev/null; } 2>&1 | tail -1 || true)
  printf "| x) %s × %s XLSX to outside, 1 per connection | %.2f s | %.2f s (%s refused) | p50 %.0f ms a message, agent CPU %.2f s a message | doccheck --json alone: %s s wall, %s s user, %s s sys |\n" \
    "$n" "$(du -h "$xlsx" | cut -f1)" "$(field seconds < "$work/xdirect")" "$(field seconds < "$work/xthrough")" \
    "$(field refused < "$work/xthrough")" "$(field p50_ms < "$work/xthrough")" "$xcpu" $scan
fi
[ -n "$agent_pid" ] && [ -d /proc/"$agent_pid" ] && echo "agent after the runs: $(memory)"
exit 0
