#!/usr/bin/env bash
# systemd-analyze verify on every unit the packages ship. The units name installed paths
# (/usr/bin/..., /usr/libexec/...); verify checks that those programs exist, so the units
# are checked in a copy whose paths point at this tree's programs and scripts.
#   verify_units.sh SOURCE_DIR AGENT_BIN CENTRAL_BIN PRINT_BACKEND_BIN
set -euo pipefail
src=$1 agent_bin=$2 central_bin=$3 print_bin=$4
command -v systemd-analyze >/dev/null || { echo "SKIP: no systemd-analyze"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/system" "$work/user" "$work/etc" "$work/runtime"
chmod 700 "$work/runtime"
cp "$src/installer/etc/central.conf" "$src/installer/etc/agent.conf" "$work/etc/"
rewrite() {
  sed -e "s#/usr/bin/sendguard-central#$central_bin#g" \
      -e "s#/usr/bin/sendguard-agent#$agent_bin#g" \
      -e "s#/usr/bin/sendguard-adopt#$src/installer/sendguard-adopt#g" \
      -e "s#/usr/libexec/sendguard/agent-launch#$src/installer/agent-launch#g" \
      -e "s#/usr/lib/cups/backend/sendguard#$print_bin#g" \
      -e "s#/etc/sendguard/#$work/etc/#g" "$1" > "$2"
}
for u in sendguard-central.service sendguard-print-flush.service sendguard-print-flush.timer; do
  rewrite "$src/installer/systemd/$u" "$work/system/$u"
done
for u in sendguard-agent.service sendguard-agent@.service; do
  rewrite "$src/installer/systemd/$u" "$work/user/$u"
done
cp "$work/user/sendguard-agent@.service" "$work/user/sendguard-agent@1.service"
status=0
echo "== system: sendguard-central.service sendguard-print-flush.{service,timer}"
# verify's own complaints about units it merely loads (e.g. Debian's own) are not ours:
# only lines naming our unit files fail the test.
out=$(systemd-analyze verify --man=no "$work/system/sendguard-central.service" \
        "$work/system/sendguard-print-flush.service" "$work/system/sendguard-print-flush.timer" 2>&1) || status=1
echo "$out"
echo "== user: sendguard-agent.service sendguard-agent@1.service"
out2=$(XDG_RUNTIME_DIR=$work/runtime systemd-analyze --user verify --man=no \
        "$work/user/sendguard-agent.service" "$work/user/sendguard-agent@1.service" 2>&1) || status=1
echo "$out2"
if printf '%s\n%s\n' "$out" "$out2" | grep -q "sendguard"; then status=1; fi
[ $status -eq 0 ] && echo "all units verified"
exit $status
