#!/usr/bin/env bash
# The real Thunderbird, adopted with sendguard-adopt, sends through the user's agent
# (started by agent-launch, as the user unit does) to the original server (smtp-sink):
# the 本庄市 BCC rule is applied on the way; then --undo gives back prefs.js byte for byte.
#   thunderbird_adopt_e2e.sh SOURCE_DIR AGENT_BIN
set -euo pipefail
src=$1 agent=$2
here=$(cd "$(dirname "$0")" && pwd)
for p in /usr/lib/thunderbird/thunderbird /usr/bin/Xvfb /usr/bin/xdotool /usr/sbin/smtp-sink; do
  [ -x "$p" ] || { echo "SKIP: needs $p (apt-get install thunderbird xvfb xdotool postfix)"; exit 77; }
done
work=$(mktemp -d)
sink_pid=""
cleanup() {
  [ -s "$work/agent.pid" ] && kill "$(cat "$work/agent.pid")" 2>/dev/null
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/agent.log" ] && sed 's/^/  agent: /' "$work/agent.log" >&2; exit 1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

sink_port=$(free_port)
mkdir -p "$work/sink" "$work/home"
/usr/sbin/smtp-sink -u root -d "$work/sink/%M." "127.0.0.1:$sink_port" 20 &
sink_pid=$!

export HOME=$work/home SENDGUARD_ADOPT_NO_SYSTEMCTL=1
export SENDGUARD_AGENT_PORT_BASE=$(free_port)
export SENDGUARD_AGENT_CONF=$work/agent.conf SENDGUARD_AGENT_BIN=$agent
printf 'policy = %s\nprompt-timeout = 5\n' "$src/mailcheck/default_policy.json" > "$work/agent.conf"

# Run by tb_sendguard_send.sh once the profile exists: keep the original, adopt, start the agent.
cat > "$work/before-start.sh" <<EOS
set -e
cp "\$PROFILE/prefs.js" "$work/prefs.js.orig"
/usr/bin/python3 "$src/installer/sendguard-adopt" thunderbird --profile "\$PROFILE"
grep -q '"mail.smtpserver.smtp1.port", $SENDGUARD_AGENT_PORT_BASE)' "\$PROFILE/prefs.js"
sh "$src/installer/agent-launch" 0 > "$work/agent.log" 2>&1 &
echo \$! > "$work/agent.pid"
listen="$work/home/.local/state/sendguard/agent/listen"
for i in \$(seq 100); do
  [ -s "\$listen" ] && /usr/bin/python3 -c 'import socket,sys; h,p=open(sys.argv[1]).read().strip().rsplit(":",1); socket.create_connection((h,int(p)),1)' "\$listen" 2>/dev/null && exit 0
  sleep 0.1
done
echo "the agent did not start" >&2; exit 1
EOS

"$here/../tools/tb_sendguard_send.sh" --profile-dir "$work/profile" --smtp-in-prefs --smtp "127.0.0.1:$sink_port" \
  --from '山田 花子 <yamada@city.honjo.lg.jp>' --to 'a@example.com,b@example.net' \
  --subject 'adopt e2e' --quit-delay-ms 300 --before-start "sh $work/before-start.sh" ||
  fail "Thunderbird did not send through the adopted profile"

msg=$(ls "$work"/sink/* 2>/dev/null | head -1)
[ -n "$msg" ] || fail "nothing reached the original server"
grep -qi '^To: undisclosed-recipients:;' "$msg" || fail "the BCC rule was not applied: $(grep -i '^To:' "$msg")"
grep -qi '^To:.*a@example.com' "$msg" && fail "the outside addresses are still visible in To"
grep -q "^X-Sendguard\|^Subject: adopt e2e" "$msg" || fail "not the message sent"

# Thunderbird has quit (tb_sendguard_send.sh stopped it): undo gives back the original exactly.
/usr/bin/python3 "$src/installer/sendguard-adopt" thunderbird --profile "$work/profile" --undo
cmp "$work/prefs.js.orig" "$work/profile/prefs.js" || fail "prefs.js differs after --undo"
echo "OK: Thunderbird sent through the agent (To hidden), and --undo restored prefs.js exactly"
