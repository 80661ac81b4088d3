#!/usr/bin/env bash
# tb_sendguard_send.sh - tb_send.sh (../shared/tools/thunderbird) extended for sendguard's
# tests of the add-on and of adoption. For the add-on: it is installed into the throw-away
# profile (profile extensions/ folder, sideloading allowed for that profile only;
# Thunderbird does not require signatures),
# the native messaging host manifest is written where Thunderbird looks in the throw-away
# HOME, and the add-on's dialog is answered with xdotool:
#   --addon XPI --native-host PATH --agent-state DIR
#   --dialog none|send:N|cancel:N|close   none: no dialog expected; send:N: tick N items
#                (space, Tab) then press 送信; cancel:N: Tab past N items to キャンセル;
#                close: press the focused button (block / no agent: 閉じて編集に戻る)
#   --shots DIR  screenshots of the dialog (dialog-*.png) are copied there
# Extra exit status: 5 the dialog was cancelled/closed and the compose window is still
# open with nothing sent (checked for 6 s).
#
# Original header:
# tb_send.sh - make the real Thunderbird (Debian package `thunderbird`, ESR) send ONE
# message through a given SMTP server, fully unattended (Xvfb + xdotool), so that a
# local SMTP proxy can be tested with a real client.
#
# Usage:
#   tb_send.sh --smtp HOST:PORT --from ADDR --to 'a@x,b@y' [--cc 'c@z'] [--bcc 'd@w']
#              [--subject S] [--body TEXT] [--attach FILE]... [--timeout SECONDS]
#              [--quit-delay-ms MS] [--keep] [-v|--verbose]
#
#   --from       "addr@x" or "Display Name <addr@x>" (becomes the only identity)
#   --subject    default "tb_send test message"; --subject '' sends without a subject
#                (the "Subject Reminder" dialog is answered with "Send Without Subject")
#   --attach     may be repeated
#   --timeout    overall limit for start-up + send, default 120 s
#   --quit-delay-ms  Thunderbird keeps the SMTP connection open for 5000 ms after a send
#                before it sends QUIT (pref mail.smtpserver.*.quit_delay_ms); the script
#                waits for that QUIT. Set a smaller value to finish sooner (non-default
#                client behaviour).
#   --keep       keep the scratch directory (profile, logs) even on success
#   -v           print Thunderbird's SMTP transcript (C:/S: lines) on success too
#   --profile-dir DIR  (sendguard) use DIR as the profile (made if missing, never deleted)
#   --smtp-in-prefs    (sendguard) write the outgoing server to prefs.js, not user.js, so
#                that a tool editing prefs.js (sendguard-adopt) can re-point it
#   --before-start CMD (sendguard) run CMD (sh -c, $PROFILE set) after the profile is
#                written and before Thunderbird starts; its failure is a set-up failure
#
# Exit status: 0 Thunderbird reported a successful send; 1 Thunderbird reported a send
# failure (error dialog / SMTP error); 2 usage error; 3 environment/setup failure
# (install, Xvfb, Thunderbird crashed, compose window never appeared); 4 timeout.
#
# How it works: installs thunderbird/xvfb/xdotool/imagemagick/xclip if missing (apt-get),
# writes a throw-away profile (user.js) with one POP3 account that is never polled,
# one identity, one SMTP server (no auth, no TLS), first-run/telemetry/update/
# default-client/account-setup/offline prompts disabled and the mailnews.smtp /
# mailnews.send console loggers at "All" (printed to stdout). Starts Xvfb (-displayfd,
# so no display-number races) and `thunderbird -profile P -no-remote -compose "..."`
# in its own session, presses Ctrl+Return in the compose window, answers
# "send anyway" style prompts, and decides success/failure from Thunderbird's own
# log lines plus the windows it shows. On failure it prints the error dialog's title,
# its text (select-all + copy + xclip) and a screenshot path (imagemagick `import`). Only processes it started are killed (by PID /
# the process group of the Thunderbird it started).
set -uo pipefail

PROG=tb_sendguard_send
log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { local rc=$1; shift; log "ERROR: $*"; exit "$rc"; }

usage() { sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

SMTP="" FROM="" TO="" CC="" BCC="" SUBJECT="tb_send test message"
BODY="This is a test message sent by Thunderbird (tb_send.sh)."
TIMEOUT=120 QUIT_DELAY_MS="" KEEP=0 VERBOSE=0
PROFILE_DIR="" SMTP_IN_PREFS=0 BEFORE_START=""
ATTACH=()
ADDON="" NATIVE_HOST="" AGENT_STATE="" DIALOG=none SHOTS_DIR=""

while (($#)); do
  case "$1" in
    --smtp) SMTP=${2-}; shift 2 || die 2 "--smtp needs a value" ;;
    --from) FROM=${2-}; shift 2 || die 2 "--from needs a value" ;;
    --to) TO=${2-}; shift 2 || die 2 "--to needs a value" ;;
    --cc) CC=${2-}; shift 2 || die 2 "--cc needs a value" ;;
    --bcc) BCC=${2-}; shift 2 || die 2 "--bcc needs a value" ;;
    --subject) (($# >= 2)) || die 2 "--subject needs a value"; SUBJECT=$2; shift 2 ;;
    --body) (($# >= 2)) || die 2 "--body needs a value"; BODY=$2; shift 2 ;;
    --attach) ATTACH+=("${2-}"); shift 2 || die 2 "--attach needs a value" ;;
    --timeout) TIMEOUT=${2-}; shift 2 || die 2 "--timeout needs a value" ;;
    --quit-delay-ms) QUIT_DELAY_MS=${2-}; shift 2 || die 2 "--quit-delay-ms needs a value" ;;
    --keep) KEEP=1; shift ;;
    --addon) ADDON=${2-}; shift 2 || die 2 "--addon needs a value" ;;
    --native-host) NATIVE_HOST=${2-}; shift 2 || die 2 "--native-host needs a value" ;;
    --agent-state) AGENT_STATE=${2-}; shift 2 || die 2 "--agent-state needs a value" ;;
    --dialog) DIALOG=${2-}; shift 2 || die 2 "--dialog needs a value" ;;
    --shots) SHOTS_DIR=${2-}; shift 2 || die 2 "--shots needs a value" ;;
    --profile-dir) PROFILE_DIR=${2-}; shift 2 || die 2 "--profile-dir needs a value" ;;
    --smtp-in-prefs) SMTP_IN_PREFS=1; shift ;;
    --before-start) BEFORE_START=${2-}; shift 2 || die 2 "--before-start needs a value" ;;
    -v|--verbose) VERBOSE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die 2 "unknown argument: $1" ;;
  esac
done

[[ -n $SMTP && -n $FROM && -n $TO ]] || { usage >&2; die 2 "--smtp, --from and --to are required"; }
[[ "$TO,$CC,$BCC" == *@* ]] || die 2 "no recipient address with an @ (Thunderbird would keep Send disabled)"
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || die 2 "--timeout must be a positive integer"
[[ -z $QUIT_DELAY_MS || $QUIT_DELAY_MS =~ ^[0-9]+$ ]] || die 2 "--quit-delay-ms must be an integer"

# HOST:PORT, [v6]:PORT
if [[ $SMTP =~ ^\[([0-9A-Fa-f:.]+)\]:([0-9]+)$ ]] || [[ $SMTP =~ ^([A-Za-z0-9._-]+):([0-9]+)$ ]]; then
  SMTP_HOST=${BASH_REMATCH[1]} SMTP_PORT=${BASH_REMATCH[2]}
else
  die 2 "--smtp must be HOST:PORT (got '$SMTP')"
fi
((SMTP_PORT > 0 && SMTP_PORT < 65536)) || die 2 "bad port $SMTP_PORT"

# --from: "Name <addr>" or "addr"
if [[ $FROM =~ ^[[:space:]]*(.*[^[:space:]])[[:space:]]*\<([^<>[:space:]]+)\>[[:space:]]*$ ]]; then
  FROM_NAME=${BASH_REMATCH[1]} FROM_ADDR=${BASH_REMATCH[2]}
  FROM_NAME=${FROM_NAME#\"}; FROM_NAME=${FROM_NAME%\"}
elif [[ $FROM =~ ^[[:space:]]*\<?([^<>[:space:]]+@[^<>[:space:]]+)\>?[[:space:]]*$ ]]; then
  FROM_NAME="" FROM_ADDR=${BASH_REMATCH[1]}
else
  die 2 "--from must be 'addr@domain' or 'Name <addr@domain>'"
fi

ATTACH_ABS=()
for f in ${ATTACH[@]+"${ATTACH[@]}"}; do
  [[ -f $f && -r $f ]] || die 2 "attachment not found / not readable: $f"
  ATTACH_ABS+=("$(readlink -f -- "$f")")
done

# ---------------------------------------------------------------- dependencies
TB_BIN=/usr/lib/thunderbird/thunderbird
apt_install() { # pkgs...
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2
}
ensure_deps() {
  local need=() want=()
  [[ -x $TB_BIN ]] || command -v thunderbird >/dev/null 2>&1 || need+=(thunderbird)
  command -v Xvfb >/dev/null 2>&1 || need+=(xvfb)
  command -v xdotool >/dev/null 2>&1 || need+=(xdotool)
  command -v import >/dev/null 2>&1 || want+=(imagemagick) # screenshots of error dialogs
  command -v xclip >/dev/null 2>&1 || want+=(xclip)        # reading error-dialog text
  ((${#need[@]} + ${#want[@]})) || return 0
  if [[ $(id -u) != 0 ]]; then
    ((${#need[@]})) && die 3 "missing packages: ${need[*]} (run as root, or: apt-get install ${need[*]} ${want[*]})"
    log "note: not root, cannot install optional ${want[*]} (no screenshots / dialog text)"
    return 0
  fi
  if ((${#need[@]})); then
    log "installing: ${need[*]}"
    apt_install "${need[@]}" || die 3 "apt-get install ${need[*]} failed"
  fi
  if ((${#want[@]})); then
    log "installing: ${want[*]}"
    apt_install "${want[@]}" || log "warning: could not install ${want[*]} (no screenshots / dialog text)"
  fi
}
ensure_deps
[[ -x $TB_BIN ]] || TB_BIN=$(command -v thunderbird) || die 3 "thunderbird not found"
command -v import >/dev/null 2>&1 && HAVE_IMPORT=1 || HAVE_IMPORT=0
command -v xclip >/dev/null 2>&1 && HAVE_XCLIP=1 || HAVE_XCLIP=0

T0=$(date +%s.%N) # timings below exclude package installation
elapsed() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }

# ---------------------------------------------------------------- scratch + cleanup
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tb_send.XXXXXX") || die 3 "mktemp failed"
PROFILE=${PROFILE_DIR:-$WORK/profile} TBLOG=$WORK/thunderbird.log
mkdir -p "$PROFILE" "$WORK/home" "$WORK/tmp" "$WORK/xdg/cache" "$WORK/xdg/config" "$WORK/xdg/data" "$WORK/xdg/runtime"
chmod 700 "$WORK/xdg/runtime"
XVFB_PID="" TB_PID="" RESULT_RC=3

group_alive() { [[ -n $TB_PID ]] && kill -0 -- "-$TB_PID" 2>/dev/null; }

cleanup() {
  local i
  if [[ -n $TB_PID ]]; then
    # Thunderbird was started as a session/process-group leader: TERM (then KILL)
    # exactly that group = Thunderbird and its own content/utility children.
    kill -TERM -- "-$TB_PID" 2>/dev/null
    for ((i = 0; i < 50; i++)); do group_alive || break; sleep 0.1; done
    group_alive && kill -KILL -- "-$TB_PID" 2>/dev/null
    wait "$TB_PID" 2>/dev/null
  fi
  if [[ -n $XVFB_PID ]]; then
    kill -TERM "$XVFB_PID" 2>/dev/null
    for ((i = 0; i < 30; i++)); do kill -0 "$XVFB_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$XVFB_PID" 2>/dev/null
    wait "$XVFB_PID" 2>/dev/null
  fi
  if ((KEEP)); then
    log "scratch kept: $WORK"
  elif ((RESULT_RC == 0 || RESULT_RC == 5)); then
    rm -rf -- "$WORK"
  else
    rm -rf -- "${WORK:?}/profile" "${WORK:?}/home" "${WORK:?}/tmp" "${WORK:?}/xdg" # keep logs + screenshots
    log "logs kept in: $WORK"
  fi
}
trap cleanup EXIT
trap 'RESULT_RC=4; log "interrupted"; exit 4' INT TERM

# ---------------------------------------------------------------- profile
js_str() { # JSON/JS string literal
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}
{
  cat <<EOF
// generated by tb_send.sh - throw-away profile
// --- accounts: one POP3 account (never polled) carrying the identity, plus Local Folders
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.accountmanager.localfoldersserver", "server2");
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.hostname", "127.0.0.1");
user_pref("mail.server.server1.port", 1);
user_pref("mail.server.server1.userName", "tb_send");
user_pref("mail.server.server1.name", "tb_send");
user_pref("mail.server.server1.login_at_startup", false);
user_pref("mail.server.server1.check_new_mail", false);
user_pref("mail.server.server1.download_on_biff", false);
user_pref("mail.server.server2.type", "none");
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.userName", "nobody");
user_pref("mail.server.server2.name", "Local Folders");
// --- identity
user_pref("mail.identity.id1.fullName", $(js_str "$FROM_NAME"));
user_pref("mail.identity.id1.useremail", $(js_str "$FROM_ADDR"));
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.valid", true);
user_pref("mail.identity.id1.fcc", false);
user_pref("mail.identity.id1.compose_html", false);
user_pref("mail.identity.id1.attach_signature", false);
// --- the one outgoing server: no authentication (1), no TLS (0)
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.type", "smtp");
user_pref("mail.smtpserver.smtp1.hostname", $(js_str "$SMTP_HOST"));
user_pref("mail.smtpserver.smtp1.port", $SMTP_PORT);
user_pref("mail.smtpserver.smtp1.authMethod", 1);
user_pref("mail.smtpserver.smtp1.try_ssl", 0);
user_pref("mail.smtpserver.smtp1.username", "");
user_pref("mail.smtpserver.smtp1.description", "tb_send");
// --- never go offline (offline => Ctrl+Return silently becomes "Send Later")
user_pref("offline.startup_state", 2);
user_pref("offline.autoDetect", false);
user_pref("network.manage-offline-status", false);
// --- compose: no confirmation / reminder prompts
user_pref("mail.warn_on_send_accel_key", false);
user_pref("mail.compose.attachment_reminder", false);
user_pref("mail.compose.attachment_reminder_aggressive", false);
user_pref("mail.compose.big_attachments.notify", false);
user_pref("mail.compose.warn_public_recipients.aggressive", false);
user_pref("mail.SpellCheckBeforeSend", false);
user_pref("mailnews.sendInBackground", false);
user_pref("mail.collect_email_address_outgoing", false);
// --- first run / start page / default client / account setup / notifications
user_pref("mail.shell.checkDefaultClient", false);
user_pref("mail.shell.checkDefaultMail", false);
user_pref("mailnews.start_page.enabled", false);
user_pref("mail.provider.enabled", false);
user_pref("mail.rights.version", 1);
user_pref("mail.inappnotifications.enabled", false);
user_pref("app.donation.eoy.version.viewed", 999);
user_pref("mail.startup.enabledMailCheckOnce", true);
user_pref("mail.biff.show_alert", false);
user_pref("mail.biff.play_sound", false);
user_pref("mailnews.database.global.indexer.enabled", false);
user_pref("mail.chat.enabled", false);
user_pref("intl.locale.requested", "en-US");
user_pref("toolkit.startup.max_resumed_crashes", -1);
user_pref("browser.shell.checkDefaultBrowser", false);
// --- updates, telemetry, background network
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.update.checkInstallTime", false);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.policy.dataSubmissionPolicyBypassNotification", true);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.archive.enabled", false);
user_pref("toolkit.telemetry.newProfilePing.enabled", false);
user_pref("toolkit.telemetry.shutdownPingSender.enabled", false);
user_pref("toolkit.telemetry.firstShutdownPing.enabled", false);
user_pref("toolkit.telemetry.updatePing.enabled", false);
user_pref("toolkit.telemetry.bhrPing.enabled", false);
user_pref("browser.region.network.url", "");
user_pref("browser.region.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
// --- logging: SMTP dialogue + send result on stdout
user_pref("devtools.console.stdout.chrome", true);
user_pref("mailnews.smtp.loglevel", "All");
user_pref("mailnews.send.loglevel", "All");
EOF
  [[ -n $QUIT_DELAY_MS ]] && echo "user_pref(\"mail.smtpserver.smtp1.quit_delay_ms\", $QUIT_DELAY_MS);"
} >"$PROFILE/user.js"
if ((SMTP_IN_PREFS)); then
  smtp_re='^user_pref\("mail\.(smtpservers|smtp\.defaultserver|smtpserver\.smtp1\.)'
  grep -E "$smtp_re" "$PROFILE/user.js" >"$PROFILE/prefs.js"
  grep -vE "$smtp_re" "$PROFILE/user.js" >"$PROFILE/user.js.new" && mv "$PROFILE/user.js.new" "$PROFILE/user.js"
fi
if [[ -n $BEFORE_START ]]; then
  PROFILE=$PROFILE sh -c "$BEFORE_START" >&2 || die 3 "--before-start command failed: $BEFORE_START"
fi

# ---------------------------------------------------------------- the add-on (this profile only)
if [[ -n $ADDON ]]; then
  mkdir -p "$PROFILE/extensions"
  cp -- "$ADDON" "$PROFILE/extensions/sendguard@sendguard.xpi" || die 3 "cannot copy $ADDON"
  cat >>"$PROFILE/user.js" <<'EOF2'
// --- the sendguard add-on, sideloaded into this throw-away profile
user_pref("xpinstall.signatures.required", false);
user_pref("extensions.autoDisableScopes", 0);
user_pref("extensions.enabledScopes", 15);
user_pref("extensions.startupScanScopes", 15);
user_pref("extensions.sideloadScopes", 15);
EOF2
fi
if [[ -n $NATIVE_HOST ]]; then
  for d in "$WORK/home/.mozilla/native-messaging-hosts" "$WORK/home/.thunderbird/native-messaging-hosts"; do
    mkdir -p "$d"
    printf '{"name":"sendguard","description":"sendguard test host","path":%s,"type":"stdio","allowed_extensions":["sendguard@sendguard"]}\n' \
      "$(js_str "$(readlink -f -- "$NATIVE_HOST")")" >"$d/sendguard.json"
  done
fi

# ---------------------------------------------------------------- -compose argument
# Unquoted values are decodeURIComponent()'d by Thunderbird, so every byte is
# percent-encoded: commas, quotes and newlines in values are then harmless.
pct() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n' | sed 's/../%&/g'; }
file_uri() { # absolute path -> file:// URI (RFC 3986 path encoding)
  local LC_ALL=C p=$1 out="" c i
  for ((i = 0; i < ${#p}; i++)); do
    c=${p:i:1}
    case $c in [A-Za-z0-9/._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf 'file://%s' "$out"
}
printf '%s' "$BODY" >"$WORK/body.txt"
COMPOSE="format=text,to=$(pct "$TO")"
[[ -n $CC ]] && COMPOSE+=",cc=$(pct "$CC")"
[[ -n $BCC ]] && COMPOSE+=",bcc=$(pct "$BCC")"
COMPOSE+=",subject=$(pct "$SUBJECT")"
[[ -n $BODY ]] && COMPOSE+=",message=$(pct "$WORK/body.txt")"
if ((${#ATTACH_ABS[@]})); then
  uris=""
  for f in "${ATTACH_ABS[@]}"; do uris+="${uris:+,}$(file_uri "$f")"; done
  COMPOSE+=",attachment=$(pct "$uris")"
fi

# ---------------------------------------------------------------- Xvfb
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
XVFB_PID=$!
for ((i = 0; i < 100; i++)); do
  [[ -s $WORK/display ]] && break
  kill -0 "$XVFB_PID" 2>/dev/null || break
  sleep 0.1
done
DNUM=$(tr -dc '0-9' <"$WORK/display" 2>/dev/null)
[[ -n $DNUM ]] || { cat "$WORK/xvfb.log" >&2; die 3 "Xvfb did not start"; }
export DISPLAY=":$DNUM"

# ---------------------------------------------------------------- Thunderbird
setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$WORK/tb.pid" \
  env -u MOZ_HEADLESS -u WAYLAND_DISPLAY -u XAUTHORITY -u DBUS_SESSION_BUS_ADDRESS \
  HOME="$WORK/home" TMPDIR="$WORK/tmp" XDG_CACHE_HOME="$WORK/xdg/cache" \
  XDG_CONFIG_HOME="$WORK/xdg/config" XDG_DATA_HOME="$WORK/xdg/data" \
  XDG_RUNTIME_DIR="$WORK/xdg/runtime" DISPLAY="$DISPLAY" GDK_BACKEND=x11 \
  MOZ_NO_REMOTE=1 MOZ_CRASHREPORTER_DISABLE=1 MOZ_DISABLE_AUTO_SAFE_MODE=1 \
  NO_AT_BRIDGE=1 LANG=C.UTF-8 SENDGUARD_AGENT_STATE_DIR="$AGENT_STATE" \
  "$TB_BIN" -profile "$PROFILE" -no-remote -compose "$COMPOSE" \
  </dev/null >"$TBLOG" 2>&1 &
LAUNCH_PID=$!
for ((i = 0; i < 50; i++)); do [[ -s $WORK/tb.pid ]] && break; sleep 0.1; done
TB_PID=$(tr -dc '0-9' <"$WORK/tb.pid" 2>/dev/null)
[[ -n $TB_PID ]] || { TB_PID=$LAUNCH_PID; die 3 "could not start thunderbird"; }

# ---------------------------------------------------------------- helpers
DEADLINE=$(($(date +%s) + TIMEOUT))
SHOT_N=0
screenshot() { # $1 = tag ; prints path
  ((HAVE_IMPORT)) || return 0
  SHOT_N=$((SHOT_N + 1))
  local p="$WORK/screen-$SHOT_N-$1.png"
  import -window root "$p" >/dev/null 2>&1 && echo "$p"
}
list_windows() { # "WID<TAB>title" for every visible, named top-level window
  local w n
  for w in $(xdotool search --onlyvisible --name '.' 2>/dev/null); do
    n=$(xdotool getwindowname "$w" 2>/dev/null) || continue
    [[ -n $n ]] && printf '%s\t%s\n' "$w" "$n"
  done
}
compose_wid() { list_windows | awk -F'\t' '$2 ~ /^Write: / {print $1; exit}'; }
is_main() { [[ $1 == *" - Mozilla Thunderbird" || $1 == "Mozilla Thunderbird" || $1 == "Thunderbird" ]]; }
is_compose() { [[ $1 == "Write: "* ]]; }
is_dialog() { [[ $1 == *"sendguard"* || $1 == *"moz-extension"* ]]; }
# Thunderbird's own send-progress window (shown when a send takes > ~1 s): benign
is_progress() { [[ $1 == "Sending Message" || $1 == "Sending Message - "* || $1 == "Saving Message"* ]]; }
benign() { is_main "$1" || is_compose "$1" || is_progress "$1" || is_dialog "$1"; }
# prompts that mean "are you sure?" and whose default button sends the message
is_go_prompt() { case $1 in "Subject Reminder" | "Send Message" | "Attachment Reminder" | "Too Many Public Recipients") return 0 ;; esac; return 1; }
press() { # $1 wid, rest keys
  local w=$1; shift
  xdotool windowfocus --sync "$w" >/dev/null 2>&1 || xdotool windowfocus "$w" >/dev/null 2>&1
  sleep 0.2
  xdotool key --clearmodifiers "$@" >/dev/null 2>&1
}
smtp_transcript() { sed -n 's/^console\.[a-z]*: mailnews\.smtp: "\([CS]: .*\)"$/\1/p' "$TBLOG" | sed 's/\\r\\n/ /g; s/ *$//'; }
tb_error_text() { sed -n 's/^console\.error: mailnews\.send: "Sending failed; \(.*\), exitCode=.*$/\1/p' "$TBLOG" | tail -1 | sed 's/\\n/ /g; s/\\"/"/g'; }

fail() { # rc reason
  local rc=$1 reason=$2 t shot
  RESULT_RC=$rc
  log "FAILED after $(elapsed)s: $reason"
  for t in "${DIALOGS_SEEN[@]}"; do log "dialog shown by Thunderbird: \"$t\""; done
  for t in "${DIALOG_TEXT[@]}"; do log "dialog text: $t"; done
  for t in "${STILL_OPEN[@]}"; do log "window still open: \"$t\""; done
  if ((${#DIALOG_TEXT[@]} == 0)); then
    t=$(tb_error_text); [[ -n $t ]] && log "Thunderbird says: $t"
  fi
  t=$(smtp_transcript | grep '^S: ' | tail -n 1)
  if [[ -n $t ]]; then
    log "last SMTP reply seen by Thunderbird: ${t#S: }"
  else
    t=$(grep '^console\.[a-z]*: mailnews\.smtp: ' "$TBLOG" | tail -n 1)
    [[ -n $t ]] && log "last SMTP log line: ${t#console.}"
  fi
  grep -E '^console\.error: mailnews\.(smtp|send)' "$TBLOG" | grep -v 'SecurityError info: "$' | sed 's/^/  tb: /' >&2
  if [[ -s $TBLOG ]] && grep -q 'mailnews.smtp: "[CS]: ' "$TBLOG"; then
    log "SMTP transcript (from Thunderbird's log):"; smtp_transcript | sed 's/^/  /' >&2
  fi
  for shot in "${SHOTS[@]}"; do log "screenshot: $shot"; done
  log "thunderbird log: $TBLOG"
  exit "$rc"
}

DIALOGS_SEEN=()
STILL_OPEN=()
SHOTS=()
DIALOG_TEXT=()
LAST_CLIP=""
declare -A HANDLED=()
note_dialog() { # wid title -> 0 if it is an error-ish dialog
  local w=$1 t=$2 s
  [[ -n ${HANDLED[$w]-} ]] && return 1
  HANDLED[$w]=1
  DIALOGS_SEEN+=("$t")
  if is_go_prompt "$t"; then
    log "answering prompt \"$t\" with its default button (send anyway)"
    press "$w" Return
    return 1
  fi
  sleep 0.5 # let it paint
  s=$(screenshot dialog) && [[ -n $s ]] && SHOTS+=("$s")
  # xdotool cannot read text, but Thunderbird's common dialog supports
  # select-all + copy; read the CLIPBOARD back while Thunderbird still owns it.
  if ((HAVE_XCLIP)); then
    press "$w" ctrl+a; sleep 0.2; press "$w" ctrl+c; sleep 0.3
    s=$(timeout 3 xclip -o -selection clipboard 2>/dev/null | tr -s '\n' ' ' | sed 's/^ *//; s/ *$//')
    if [[ -n $s && $s != "$LAST_CLIP" ]]; then DIALOG_TEXT+=("$t: $s"); LAST_CLIP=$s; fi
  fi
  return 0
}

# ---------------------------------------------------------------- 1: wait for the compose window
CW=""
while :; do
  ((($(date +%s)) < DEADLINE)) || { s=$(screenshot timeout) && [[ -n $s ]] && SHOTS+=("$s"); fail 4 "timeout: compose window never appeared"; }
  group_alive || fail 3 "thunderbird exited during start-up (see log)"
  CW=$(compose_wid)
  [[ -n $CW ]] && break
  while IFS=$'\t' read -r w t; do
    [[ -z $w ]] && continue
    benign "$t" || { note_dialog "$w" "$t" && fail 3 "unexpected dialog before compose: \"$t\""; }
  done < <(list_windows)
  sleep 0.25
done
T_COMPOSE=$(elapsed)
sleep 1.5 # let the compose window finish initialising (editor, pills, attachments)

# ---------------------------------------------------------------- 2: send and watch
PRESSES=0 T_PRESS=0 OK=0
send_started() { grep -q 'mailnews.send: "Creating message file"\|mailnews.send: "Delivering' "$TBLOG"; }
press_send() {
  PRESSES=$((PRESSES + 1)); T_PRESS=$(date +%s)
  ((VERBOSE)) && log "pressing Ctrl+Return in compose window $CW (try $PRESSES)"
  press "$CW" ctrl+Return
}
press_send
dialog_wid() { list_windows | awk -F'\t' '$2 ~ /sendguard|moz-extension/ {print $1; exit}'; }
save_shot() { # tag
  local s
  s=$(screenshot "dialog-$1") && [[ -n $s ]] || return 0
  SHOTS+=("$s")
  [[ -n $SHOTS_DIR ]] && mkdir -p "$SHOTS_DIR" && cp -- "$s" "$SHOTS_DIR/" && log "screenshot: $SHOTS_DIR/$(basename "$s")"
}
if [[ $DIALOG != none ]]; then
  DW=""
  while [[ -z $DW ]]; do
    (($(date +%s) < DEADLINE)) || { save_shot timeout; fail 4 "timeout: the sendguard dialog never appeared"; }
    group_alive || fail 3 "thunderbird exited before the dialog"
    DW=$(dialog_wid)
    [[ -z $DW ]] && sleep 0.25
  done
  log "dialog: \"$(xdotool getwindowname "$DW" 2>/dev/null)\""
  sleep 2 # the page asks the background for its model, then paints
  save_shot shown
  mode=${DIALOG%%:*} n=${DIALOG#*:}
  [[ $n == "$DIALOG" ]] && n=0
  case $mode in
    send)
      for ((k = 0; k < n; k++)); do press "$DW" space; press "$DW" Tab; done
      sleep 0.5; save_shot ticked
      press "$DW" Return ;;
    cancel)
      for ((k = 0; k < n; k++)); do press "$DW" Tab; done
      press "$DW" Return ;;
    close) press "$DW" Return ;;
    *) die 2 "--dialog must be none, send:N, cancel:N or close" ;;
  esac
  if [[ $mode != send ]]; then
    for ((k = 0; k < 24; k++)); do
      sleep 0.25
      [[ -z $(dialog_wid) ]] && break
    done
    [[ -n $(dialog_wid) ]] && { save_shot still-open; fail 1 "the dialog did not close"; }
    sleep 6
    save_shot after
    send_started && fail 1 "Thunderbird sent the message although the dialog was $mode"
    [[ -n $(compose_wid) ]] || fail 1 "the compose window is gone after $mode"
    RESULT_RC=5
    log "OK: dialog $mode; nothing sent; the compose window is still open"
    exit 5
  fi
fi
while :; do
  now=$(date +%s)
  if ((now >= DEADLINE)); then
    s=$(screenshot timeout) && [[ -n $s ]] && SHOTS+=("$s")
    while IFS=$'\t' read -r w t; do [[ -n $w ]] && ! is_main "$t" && STILL_OPEN+=("$t"); done < <(list_windows)
    fail 4 "timeout after ${TIMEOUT}s waiting for the send to finish"
  fi
  group_alive || fail 3 "thunderbird exited while sending (see log)"

  if grep -q 'mailnews.send: "Delivery exit processing; exitCode=0"' "$TBLOG"; then OK=1; fi
  if grep -q 'mailnews.send: "Sending failed;\|mailnews.send: "Delivery exit processing; exitCode=[1-9]' "$TBLOG"; then
    # give Thunderbird a moment to put up its error dialog, so we can report it
    for ((i = 0; i < 20; i++)); do
      while IFS=$'\t' read -r w t; do
        [[ -n $w ]] && ! benign "$t" && note_dialog "$w" "$t"
      done < <(list_windows)
      ((${#DIALOGS_SEEN[@]})) && break
      sleep 0.25
    done
    fail 1 "Thunderbird reported that sending failed"
  fi

  errdlg=""
  while IFS=$'\t' read -r w t; do
    [[ -z $w ]] && continue
    benign "$t" && continue
    note_dialog "$w" "$t" && errdlg=$t
  done < <(list_windows)
  if [[ -n $errdlg ]]; then
    sleep 1 # the log line usually follows; pick it up for the report
    fail 1 "Thunderbird showed the dialog \"$errdlg\""
  fi

  CW_NOW=$(compose_wid)
  if ((OK)) && [[ -z $CW_NOW ]]; then break; fi
  if [[ -z $CW_NOW ]] && ! ((OK)); then
    sleep 1
    grep -q 'mailnews.send: "Delivery exit processing; exitCode=0"' "$TBLOG" && continue
    [[ -n $(compose_wid) ]] && continue # transient X error while listing windows
    fail 1 "compose window closed without a successful SMTP delivery (offline / send later?)"
  fi
  # Ctrl+Return swallowed (window not ready / focus)? Retry, but only while there is
  # no trace at all of a send (no log line, no prompt, no progress window).
  if ((now - T_PRESS >= 8 && PRESSES < 3)) && ! send_started && ((${#HANDLED[@]} == 0)) &&
    ! list_windows | cut -f2 | grep -q '^Sending Message'; then
    press_send
  fi
  sleep 0.25
done
T_SENT=$(elapsed)
NSENT=$(grep -c 'mailnews.send: "Delivering mail message' "$TBLOG")
if ((NSENT > 1)); then
  fail 1 "Thunderbird delivered the message $NSENT times (Ctrl+Return retried too eagerly?)"
fi

# ---------------------------------------------------------------- 3: let Thunderbird close the SMTP session (QUIT)
qd=${QUIT_DELAY_MS:-5000}
qdl=$(($(date +%s) + qd / 1000 + 5))
((qdl > DEADLINE)) && qdl=$DEADLINE
while (($(date +%s) < qdl)); do
  grep -q 'mailnews.smtp: "Socket closed."' "$TBLOG" && break
  sleep 0.2
done
grep -q 'mailnews.smtp: "C: QUIT"' "$TBLOG" || log "note: Thunderbird had not sent QUIT yet when it was stopped"

RESULT_RC=0
last=$(smtp_transcript | grep '^S: 2' | grep -v '^S: 221' | tail -n 1)
printf '%s: OK: Thunderbird sent the message via %s:%s (compose window after %ss, sent after %ss, done %ss; server: %s)\n' \
  "$PROG" "$SMTP_HOST" "$SMTP_PORT" "$T_COMPOSE" "$T_SENT" "$(elapsed)" "${last#S: }"
if ((VERBOSE)); then
  v=$(sed -n 's/^Version=//p' "$(dirname "$(readlink -f "$TB_BIN")")/application.ini" 2>/dev/null | head -n 1)
  echo "$PROG: Thunderbird ${v:-?}; SMTP transcript (from Thunderbird's log):"
  smtp_transcript | sed 's/^/  /'
fi
exit 0
