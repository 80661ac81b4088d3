#!/usr/bin/env bash
# Per-message counts of the agent that do not depend on what else runs on the machine
# (unlike wall times): context switches (/proc/PID/task/*/status), CPU time
# (/proc/PID/stat, user+system) and, with COUNT_SEGMENTS=1, TCP segments on loopback
# (nstat TcpOutSegs, system-wide: only meaningful when nothing else uses loopback). Runs
# smtp-sink, the agent relaying to it, and one bench/smtp_load against the agent (and,
# for the segments, one straight to smtp-sink).
#
#   bench/relay_counts.sh BUILD_DIR [AGENT_BINARY] [SENDERS] [PER_CONNECTION] [MESSAGES]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$here/build}"
agent="${2:-$build/agent/sendguard-agent}"
senders="${3:-4}"
per="${4:-10}"
messages="${5:-2000}"
work=$(mktemp -d)
sink_port=${SINK_PORT:-33525}
agent_port=${AGENT_PORT:-33587}
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
/usr/sbin/smtp-sink -u "$(id -un)" 127.0.0.1:$sink_port 256 > /dev/null 2>&1 &
"$agent" --listen 127.0.0.1:$agent_port --upstream 127.0.0.1:$sink_port --prompt-timeout 0 \
  --policy "$here/mailcheck/default_policy.json" --state-dir "$work/state" > "$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 100); do
  (exec 3<> /dev/tcp/127.0.0.1/$agent_port) 2> /dev/null && break
  sleep 0.1
done
switches() { cat /proc/$agent_pid/task/*/status | awk '/^voluntary/ {v+=$2} /^nonvoluntary/ {n+=$2} END {print v, n}'; }
ticks() { awk '{print $14 + $15}' /proc/$agent_pid/stat; }
load=(--messages "$messages" --per-connection "$per" --senders "$senders")
if [ "${COUNT_SEGMENTS:-0}" = 1 ]; then
  nstat -n > /dev/null
  "$build/bench/smtp_load" --port $sink_port "${load[@]}" > /dev/null
  direct=$(nstat 2> /dev/null | awk '/TcpOutSegs/ {print $2}')
fi
read -r v0 n0 < <(switches)
t0=$(ticks)
[ "${COUNT_SEGMENTS:-0}" = 1 ] && nstat -n > /dev/null
"$build/bench/smtp_load" --port $agent_port "${load[@]}" > /dev/null
[ "${COUNT_SEGMENTS:-0}" = 1 ] && through=$(nstat 2> /dev/null | awk '/TcpOutSegs/ {print $2}')
read -r v1 n1 < <(switches)
t1=$(ticks)
printf "per message: voluntary switches %.2f, involuntary %.2f, agent CPU %.3f ms" \
  "$(echo "($v1 - $v0) / $messages" | bc -l)" "$(echo "($n1 - $n0) / $messages" | bc -l)" \
  "$(echo "($t1 - $t0) * 1000 / $(getconf CLK_TCK) / $messages" | bc -l)"
if [ "${COUNT_SEGMENTS:-0}" = 1 ]; then
  printf ", TCP segments direct %.1f, through the agent %.1f" \
    "$(echo "$direct / $messages" | bc -l)" "$(echo "$through / $messages" | bc -l)"
fi
echo
