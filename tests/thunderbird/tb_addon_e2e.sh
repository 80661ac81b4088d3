#!/usr/bin/env bash
# The sendguard add-on end to end with the real Thunderbird (ESR, under Xvfb), the real
# agent and smtp-sink as the organisation's server. Each case sends one mail with
# tb_sendguard_send.sh and answers the add-on's dialog with xdotool:
#   A outside multi-To   -> dialog shows the BCC conversion -> ticked -> delivered once as
#                           BCC, no proxy prompt
#   B My Number docx out -> dialog shows the block -> closed -> nothing delivered,
#                           compose window still open
#   C class 1 xlsx out   -> dialog cancelled -> nothing delivered, compose window open
#   D class 1 xlsx out   -> ticked -> the one-time header skips the proxy prompt ->
#                           delivered once, header stripped
#   E no agent           -> dialog says so -> closed -> nothing sent
# (A replayed header raising the proxy prompt is tested with swaks in
# tests/agent/confirm_header_test.cc.)
# Usage: tb_addon_e2e.sh AGENT NATIVE_HOST XPI CORPUS_DIR ARTEFACT_DIR
set -uo pipefail
AGENT=$1 HOST=$2 XPI=$3 CORPUS=$4 ART=$5
HERE=$(cd "$(dirname "$0")" && pwd)
MAIL=$CORPUS/mail
log() { printf 'tb_addon_e2e: %s\n' "$*" >&2; }
for p in thunderbird Xvfb xdotool import swaks /usr/sbin/smtp-sink python3; do
  command -v "$p" >/dev/null 2>&1 || { log "SKIP: $p is not installed"; exit 77; }
done

WORK=$(mktemp -d /tmp/tb_addon_e2e.XXXXXX)
SINK_PID="" AGENT_PID=""
cleanup() {
  [[ -n $AGENT_PID ]] && kill "$AGENT_PID" 2>/dev/null && wait "$AGENT_PID" 2>/dev/null
  [[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null
  rm -rf -- "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK/sink" "$ART"
rm -f -- "$ART"/*.png

# The attachments, as files Thunderbird attaches.
/usr/bin/python3 - "$MAIL" "$WORK" <<'PY'
import email, sys, os
mail, work = sys.argv[1], sys.argv[2]
for eml, name in (("p11_mynumber_docx_external.eml", "shinsei.docx"),
                  ("p12_residents_xlsx_external.eml", "meibo.xlsx")):
    with open(os.path.join(mail, eml), "rb") as f:
        msg = email.message_from_binary_file(f)
    for part in msg.walk():
        if part.get_filename() == name:
            open(os.path.join(work, name), "wb").write(part.get_payload(decode=True))
PY

port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
SINK_PORT=$(port) SMTP_PORT=$(port)
/usr/sbin/smtp-sink -u root -d "$WORK/sink/%M." "127.0.0.1:$SINK_PORT" 20 >/dev/null 2>&1 &
SINK_PID=$!
"$AGENT" --listen "127.0.0.1:$SMTP_PORT" --upstream "127.0.0.1:$SINK_PORT" \
  --policy "$MAIL/policy.json" --state-dir "$WORK/state" --prompt-timeout 20 >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
for ((i = 0; i < 100; i++)); do [[ -s $WORK/state/control.port ]] && break; sleep 0.1; done
[[ -s $WORK/state/control.port ]] || { cat "$WORK/agent.log" >&2; log "FAIL: agent did not start"; exit 1; }

FAILS=0
check() { # description, condition...
  local what=$1; shift
  if "$@"; then log "ok: $what"; else log "FAIL: $what"; FAILS=$((FAILS + 1)); fi
}
delivered() { find "$WORK/sink" -type f | wc -l; }
send() { # case, state dir, dialog, tb_sendguard_send options...
  local name=$1 state=$2 dialog=$3; shift 3
  timeout 200 "$HERE/../tools/tb_sendguard_send.sh" --smtp "127.0.0.1:$SMTP_PORT" \
    --from 'Takuya Yoshida <yoshida-t@city.honjo.lg.jp>' --addon "$XPI" --native-host "$HOST" \
    --agent-state "$state" --dialog "$dialog" --shots "$ART/$name" --timeout 180 "$@"
}

log "case A: outside multi-To -> conversion shown, ticked, delivered once as BCC"
send A "$WORK/state" send:1 --to 'a.takahashi@example.co.jp,a.yamada@example.ne.jp' --subject '会議のご案内'
rc=$?
check "A: Thunderbird reports the send (rc $rc)" test "$rc" -eq 0
check "A: delivered once" test "$(delivered)" -eq 1
check "A: To became undisclosed-recipients" grep -q '^To: undisclosed-recipients:;' "$WORK"/sink/*
check "A: both outside addresses in the envelope" test "$(grep -h -c '^X-Rcpt-Args:' "$WORK"/sink/*)" -eq 2
check "A: no proxy prompt" bash -c "! grep -q prompt_raised '$WORK/state/audit.jsonl'"

log "case B: My Number attachment to outside -> block shown, nothing delivered"
send B "$WORK/state" close --to 't.kimura@pref.example.lg.jp' --subject '申請書の送付' --attach "$WORK/shinsei.docx"
rc=$?
check "B: dialog closed, compose window open, nothing sent (rc $rc)" test "$rc" -eq 5
check "B: nothing more delivered" test "$(delivered)" -eq 1

log "case C: class 1 attachment to outside -> dialog cancelled, nothing delivered"
send C "$WORK/state" cancel:1 --to 'a.yamada@example.ne.jp' --subject '名簿の送付' --attach "$WORK/meibo.xlsx"
rc=$?
check "C: cancelled, compose window open, nothing sent (rc $rc)" test "$rc" -eq 5
check "C: nothing more delivered" test "$(delivered)" -eq 1

log "case D: class 1 attachment to outside -> ticked -> delivered without a proxy prompt"
send D "$WORK/state" send:1 --to 'a.yamada@example.ne.jp' --subject '名簿の送付' --attach "$WORK/meibo.xlsx"
rc=$?
check "D: Thunderbird reports the send (rc $rc)" test "$rc" -eq 0
check "D: delivered once more" test "$(delivered)" -eq 2
check "D: the confirmation header was stripped" bash -c "! grep -qi x-sendguard-confirmed '$WORK'/sink/*"
check "D: no proxy prompt" bash -c "! grep -q prompt_raised '$WORK/state/audit.jsonl'"
check "D: confirmed through the add-on" grep -q '"prompt":"addon:' "$WORK/state/audit.jsonl"

log "case E: no agent -> the dialog says so; nothing sent"
mkdir -p "$WORK/no-agent"
send E "$WORK/no-agent" close --to 'a.yamada@example.ne.jp' --subject '接続なし'
rc=$?
check "E: closed, nothing sent (rc $rc)" test "$rc" -eq 5
check "E: nothing more delivered" test "$(delivered)" -eq 2

log "screenshots: $ART"
((FAILS == 0)) || { log "$FAILS check(s) failed"; cat "$WORK/agent.log" >&2; exit 1; }
log "all cases passed"
