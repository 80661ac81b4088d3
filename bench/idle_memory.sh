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
# With --mail FILE, the mail is then checked once through the control API (POST
# /v1/check, as the add-on does) and the same figures are read again one second later:
# what the first such mail loads (the MIME reader for most mail, the PDF reader for a
# PDF) stays for the life of the agent.
#
# With --send FILE RCPT, the mail is instead relayed once over SMTP to RCPT, as a mail
# client sends it (the agent decides, then finds no upstream and answers 451), and the
# figures are read again: what the relay loads for such a mail.
#
#   bench/idle_memory.sh [AGENT_BINARY] [--central] [--mail FILE | --send FILE RCPT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
agent="${1:-$here/build/agent/sendguard-agent}"
[ $# -gt 0 ] && shift
central="" mail="" send="" rcpt=""
while [ $# -gt 0 ]; do
  case "$1" in
    --central) central=1 ;;
    --mail) mail=$(realpath "$2"); shift ;;
    --send) send=$(realpath "$2"); rcpt=$3; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d)
extra=()
if [ -n "$central" ]; then
  echo sga_bench_token > "$work/token"
  head -c 32 /dev/zero | base64 > "$work/policy.pub"
  extra=(--central http://127.0.0.1:32597 --agent-token-file "$work/token"
         --policy-key "$work/policy.pub")
fi
"$agent" --listen 127.0.0.1:32599 --upstream 127.0.0.1:32598 \
  --policy "$here/mailcheck/default_policy.json" --state-dir "$work/state" "${extra[@]}" \
  --control-listen 127.0.0.1:32596 \
  > "$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
sleep 2
kill -0 $pid 2>/dev/null || { echo "the agent stopped:"; cat "$work/log"; exit 1; }
figures() {  # LABEL
  awk -v label="$1" '/^Rss:/ {r=$2} /^Pss:/ {p=$2} /^Private_Clean:/ {pc=$2} /^Private_Dirty:/ {pd=$2}
       /^Anonymous:/ {a=$2} END {
    printf "%s: RSS %.1f MB, PSS %.1f MB, private %.1f MB (clean %.1f + dirty %.1f), anonymous %.1f MB\n",
           label, r/1024, p/1024, (pc+pd)/1024, pc/1024, pd/1024, a/1024}' /proc/$pid/smaps_rollup
  echo "shared objects mapped $1: $(awk '$6 ~ /\.so/ {print $6}' /proc/$pid/maps | sort -u | wc -l)"
}
figures idle
if [ -n "$mail" ]; then
  curl -s -o "$work/check.json" -w "POST /v1/check: HTTP %{http_code}\n" \
    -H "Authorization: Bearer $(tr -d '\r\n' < "$work/state/control.token")" \
    --data-binary "@$mail" http://127.0.0.1:32596/v1/check
  sleep 1
  figures "after $(basename "$mail")"
fi
if [ -n "$send" ]; then
  python3 - "$send" "$rcpt" <<'PY'
import smtplib, sys
data = open(sys.argv[1], "rb").read()
with smtplib.SMTP("127.0.0.1", 32599, timeout=30) as s:
    try:
        s.sendmail("sender@city.honjo.lg.jp", [sys.argv[2]], data)
        print("SMTP: accepted")
    except smtplib.SMTPResponseException as e:
        print("SMTP: refused,", e.smtp_code)
    except smtplib.SMTPRecipientsRefused as e:
        print("SMTP: recipient refused")
PY
  sleep 1
  figures "after relaying $(basename "$send")"
fi
/usr/bin/time -f "%M" "$agent" --help > /dev/null 2> "$work/time" || true
awk '{printf "--help: peak RSS %.1f MB\n", $1/1024}' <(tail -1 "$work/time")
