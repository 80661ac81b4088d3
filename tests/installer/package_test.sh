#!/usr/bin/env bash
# Builds the packages with installer/build-debs.sh (lintian must pass) and checks what
# they hold. Opt-in: SENDGUARD_PACKAGE_TEST=1 (the packaging build compiles the programs
# a second time; see README "Install on desktops").
#   package_test.sh SOURCE_DIR OUT_DIR
set -euo pipefail
src=$1 out=$2
if [ "${SENDGUARD_PACKAGE_TEST:-0}" != 1 ]; then
  echo "SKIP: set SENDGUARD_PACKAGE_TEST=1 to build and check the Debian packages"
  exit 77
fi
"$src/installer/build-debs.sh" "$out"
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
fail() { echo "FAIL: $*" >&2; exit 1; }
deb() { echo "$out/${1}_${version}_$(dpkg --print-architecture).deb"; }
for p in sendguard-agent sendguard-central sendguard-tools; do
  [ -f "$(deb $p)" ] || fail "no $(deb $p)"
done
contents() { dpkg-deb -c "$(deb "$1")" | awk '{print $6}' | sed 's#^\./#/#'; }
has() { contents "$1" | grep -qx "$2" || fail "$1 lacks $2"; }
has sendguard-agent /usr/bin/sendguard-agent
has sendguard-agent /usr/bin/sendguard-adopt
has sendguard-agent /usr/libexec/sendguard/agent-launch
has sendguard-agent /usr/lib/systemd/user/sendguard-agent.service
has sendguard-agent /etc/sendguard/agent.conf
has sendguard-agent /lib/systemd/system/sendguard-print-flush.timer
has sendguard-central /usr/bin/sendguard-central
has sendguard-central /lib/systemd/system/sendguard-central.service
has sendguard-tools /usr/bin/doccheck
has sendguard-tools /usr/bin/mailcheck
has sendguard-tools /usr/lib/sendguard/libsendguard-pdf.so
has sendguard-tools /usr/lib/sendguard/libsendguard-mime.so
conffiles() { dpkg-deb --ctrl-tarfile "$(deb "$1")" | tar -xOf - ./conffiles; }
for f in /etc/sendguard/agent.conf /etc/sendguard/policy.json; do
  conffiles sendguard-agent | grep -qx "$f" || fail "$f is not a conffile"
done
for f in /etc/sendguard/central.conf /etc/sendguard/central-policy.json; do
  conffiles sendguard-central | grep -qx "$f" || fail "$f is not a conffile"
done
# shlibs: the programs' libraries are in Depends (Poco, ICU, ...).
dpkg-deb -f "$(deb sendguard-agent)" Depends | grep -q libpoco || fail "agent Depends lacks Poco"
dpkg-deb -f "$(deb sendguard-central)" Depends | grep -q libpoco || fail "central Depends lacks Poco"
dpkg-deb -f "$(deb sendguard-tools)" Depends | grep -q libicu || fail "tools Depends lacks ICU"
# poppler comes through the PDF plugin, which shlibs reads in sendguard-tools; the plugin
# itself and libsystemd are loaded with dlopen, which shlibs cannot see, so the agent
# names them in debian/control. It talks to central with Poco (shlibs), not libcurl.
dpkg-deb -f "$(deb sendguard-tools)" Depends | grep -q libpoppler-cpp ||
  fail "tools Depends lacks poppler (the PDF plugin's)"
dpkg-deb -f "$(deb sendguard-tools)" Depends | grep -q libvmime ||
  fail "tools Depends lacks vmime (the MIME plugin's)"
for d in sendguard-tools libsystemd0; do
  dpkg-deb -f "$(deb sendguard-agent)" Depends | grep -q "$d" || fail "agent Depends lacks $d"
done
! dpkg-deb -f "$(deb sendguard-agent)" Depends | grep -q libcurl ||
  fail "agent Depends names libcurl, which it no longer loads"
# The installed programs find the plugin through their RUNPATH ($ORIGIN-relative, so
# /usr/lib/sendguard), and nothing else is there.
# Neither links poppler nor vmime: those are only the plugins' (loaded on first use).
runpath() {  # PACKAGE FILE EXPECTED
  dpkg-deb --fsys-tarfile "$(deb "$1")" | tar -xOf - "./$2" > "$out/elf"
  readelf -d "$out/elf" | grep -qF "Library runpath: [$3]" || fail "$2 RUNPATH is not $3"
  ! readelf -d "$out/elf" | grep -E 'NEEDED.*(libvmime|libpoppler)' || fail "$2 links vmime or poppler"
}
runpath sendguard-tools usr/bin/doccheck '$ORIGIN/../lib/sendguard'
runpath sendguard-tools usr/bin/mailcheck '$ORIGIN/../lib/sendguard'
runpath sendguard-agent usr/bin/sendguard-agent '$ORIGIN/../lib/sendguard'
runpath sendguard-agent usr/lib/cups/backend/sendguard '$ORIGIN/../../sendguard'
rm -f "$out/elf"
# The agent's user unit is enabled for every user (deb-systemd-helper --user).
dpkg-deb --ctrl-tarfile "$(deb sendguard-agent)" | tar -xOf - ./postinst |
  grep -q 'deb-systemd-helper --user' || fail "agent postinst does not enable the user unit"
echo "packages OK: $(cd "$out" && ls -1 ./*.deb | tr '\n' ' ')"
# Installed into a fresh Debian 12 root, services started as their units start them.
"$(dirname "$0")/package_install_test.sh" "$src" "$out" "$out/root"
# An upgrade from the previous version keeps the town's data (skipped without git history).
rc=0
"$(dirname "$0")/package_upgrade_test.sh" "$src" "$out" "$out/root" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 77 ] || exit "$rc"
