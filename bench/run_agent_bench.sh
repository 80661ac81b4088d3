#!/usr/bin/env bash
# Whole-process benchmark of sendguard-agent: Postfix's smtp-source sends messages to
# smtp-sink directly and through the agent, side by side; then 50 messages carrying a
# 5 MB XLSX attachment (swaks), and the agent's resident memory when idle.
#
#   bench/run_agent_bench.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$here/build}"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
sink_port=32525; agent_port=32587
/usr/sbin/smtp-sink -u root 127.0.0.1:$sink_port 100 &
"$build/agent/sendguard-agent" --listen 127.0.0.1:$agent_port --upstream 127.0.0.1:$sink_port \
  --policy "$here/mailcheck/default_policy.json" --state-dir "$work/state" > /dev/null &
agent_pid=$!
sleep 1
echo "idle agent RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$agent_pid/status)"
elapsed() { local s=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
n=1000
direct=$(elapsed /usr/sbin/smtp-source -m $n -s 4 -l 10240 -f a@city.honjo.lg.jp -t b@city.honjo.lg.jp 127.0.0.1:$sink_port)
through=$(elapsed /usr/sbin/smtp-source -m $n -s 4 -l 10240 -f a@city.honjo.lg.jp -t b@city.honjo.lg.jp 127.0.0.1:$agent_port)
echo "| $n messages of 10 KB, 4 sessions | direct ${direct} s | through the agent ${through} s | ratio $(echo "scale=2; $through / $direct" | bc) |"
if [ -f "${SENDGUARD_XLSX:-/tmp/sendguard-bench/rows50k.xlsx}" ]; then
  xlsx="${SENDGUARD_XLSX:-/tmp/sendguard-bench/rows50k.xlsx}"
  send() { for i in $(seq 50); do swaks --server 127.0.0.1:$1 --from a@city.honjo.lg.jp --to b@city.honjo.lg.jp --attach "$xlsx" > /dev/null 2>&1; done; }
  d=$(elapsed send $sink_port); t=$(elapsed send $agent_port)
  echo "| 50 messages with $(du -h "$xlsx" | cut -f1) XLSX (internal) | direct ${d} s | through the agent ${t} s |"
fi
echo "agent RSS after: $(awk '/VmRSS/ {print $2, $3}' /proc/$agent_pid/status)"
