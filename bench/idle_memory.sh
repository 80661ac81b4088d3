#!/usr/bin/env bash
# The agent's idle memory, from /proc/PID/smaps_rollup two seconds after start (no mail
# sent, no --central): RSS (every shared-library page it touched), PSS, private
# clean + dirty (what the agent alone costs the machine), anonymous; then the peak RSS of
# `sendguard-agent --help` (the libraries loaded and relocated, nothing started), and the
# number of shared objects mapped at idle. MB here is MiB (the kernel's kB / 1024), as in
# docs/PERFORMANCE.md.
#
# With --central, the agent is pointed at a central that does not answer (port 32597,
# nothing listening): it loads what it needs to talk to one and keeps retrying, as an
# enrolled agent whose central is away would.
#
#   bench/idle_memory.sh [AGENT_BINARY] [--central]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
agent="${1:-$here/build/agent/sendguard-agent}"
work=$(mktemp -d)
extra=()
if [ "${2:-}" = --central ]; then
  echo sga_bench_token > "$work/token"
  head -c 32 /dev/zero | base64 > "$work/policy.pub"
  extra=(--central http://127.0.0.1:32597 --agent-token-file "$work/token"
         --policy-key "$work/policy.pub")
fi
"$agent" --listen 127.0.0.1:32599 --upstream 127.0.0.1:32598 \
  --policy "$here/mailcheck/default_policy.json" --state-dir "$work/state" "${extra[@]}" \
  > "$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 2
kill -0 $pid 2>/dev/null || { echo "the agent stopped:"; cat "$work/log"; exit 1; }
awk '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Private_Clean:/ {pc=$2} /^Private_Dirty:/ {pd=$2}
     /^Anonymous:/ {a=$2} END {
  printf "idle: RSS %.1f MB, PSS %.1f MB, private %.1f MB (clean %.1f + dirty %.1f), anonymous %.1f MB\n",
         r/1024, p/1024, (pc+pd)/1024, pc/1024, pd/1024, a/1024}' /proc/$pid/smaps_rollup
echo "shared objects mapped at idle: $(awk '$6 ~ /\.so/ {print $6}' /proc/$pid/maps | sort -u | wc -l)"
/usr/bin/time -f "%M" "$agent" --help > /dev/null 2> "$work/time" || true
awk '{printf "--help: peak RSS %.1f MB\n", $1/1024}' <(tail -1 "$work/time")
