#!/usr/bin/env bash
# Whole-process benchmark of sendguard-agent: Postfix's smtp-source sends messages to
# smtp-sink directly and through the agent, side by side; then 50 messages carrying a
# 5 MB XLSX attachment (swaks; made by bench/make_xlsx.py when missing), and the agent's
# memory when idle: RSS (which counts every shared library page it touched) and its
# private part (what the agent itself costs the machine).
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
memory() {
  awk '/^Rss:/ {r=$2} /^Private_Clean:/ {pc=$2} /^Private_Dirty:/ {pd=$2} END {
    printf "RSS %.1f MB, private %.1f MB\n", r/1024, (pc+pd)/1024}' /proc/$agent_pid/smaps_rollup
}
echo "idle agent: $(memory)"
elapsed() { local s=$(date +%s.%N); "$@" > /dev/null 2>&1; echo "$(date +%s.%N) - $s" | bc; }
n=1000
direct=$(elapsed /usr/sbin/smtp-source -m $n -s 4 -l 10240 -f a@city.honjo.lg.jp -t b@city.honjo.lg.jp 127.0.0.1:$sink_port)
through=$(elapsed /usr/sbin/smtp-source -m $n -s 4 -l 10240 -f a@city.honjo.lg.jp -t b@city.honjo.lg.jp 127.0.0.1:$agent_port)
echo "| $n messages of 10 KB, 4 sessions | direct ${direct} s | through the agent ${through} s | ratio $(echo "scale=2; $through / $direct" | bc) |"
# One session, one message at a time: what a single sender waits for each mail.
direct1=$(elapsed /usr/sbin/smtp-source -m 200 -s 1 -l 10240 -f a@city.honjo.lg.jp -t b@city.honjo.lg.jp 127.0.0.1:$sink_port)
through1=$(elapsed /usr/sbin/smtp-source -m 200 -s 1 -l 10240 -f a@city.honjo.lg.jp -t b@city.honjo.lg.jp 127.0.0.1:$agent_port)
echo "| 200 messages of 10 KB, 1 session | direct ${direct1} s | through the agent ${through1} s | per message +$(echo "scale=3; ($through1 - $direct1) * 1000 / 200" | bc) ms |"
xlsx="${SENDGUARD_XLSX:-/tmp/sendguard-bench/rows5mb.xlsx}"
if [ ! -f "$xlsx" ] && [ -z "${SENDGUARD_XLSX:-}" ]; then
  mkdir -p "$(dirname "$xlsx")" && /usr/bin/python3 "$here/bench/make_xlsx.py" "$xlsx" 5
fi
if [ -f "$xlsx" ]; then
  send() { for i in $(seq 50); do swaks --server 127.0.0.1:$1 --from a@city.honjo.lg.jp --to b@city.honjo.lg.jp --attach "$xlsx" > /dev/null 2>&1; done; }
  d=$(elapsed send $sink_port); t=$(elapsed send $agent_port)
  echo "| 50 messages with $(du -h "$xlsx" | cut -f1) XLSX (internal) | direct ${d} s | through the agent ${t} s |"
fi
echo "agent after the run: $(memory)"
