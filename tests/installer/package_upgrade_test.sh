#!/usr/bin/env bash
# An upgrade from the previous released version keeps a town's data: the previous
# version's packages (built from the commit before debian/changelog gained this version)
# are installed into a fresh Debian 12 root and used — setup, a section, a console user,
# an enrolled agent, an event, an administrator's edit of central.conf — then the new
# packages are installed over them with apt, as an unattended upgrade would, and:
# the schema migrates, the event, the user's password, the agent's token, the signing key
# and the published policy are all still there, the edited conffile is kept; purge then
# leaves nothing.
#   package_upgrade_test.sh SOURCE_DIR DEB_DIR WORK_DIR
# DEB_DIR holds this version's .debs (package_test.sh built them); the previous ones are
# built into DEB_DIR/previous. Needs the git history (a full clone).
set -euo pipefail
src=$1 debs=$2 work=$3
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
previous=$(dpkg-parsechangelog -l "$src/debian/changelog" -o 1 -c 1 -S Version)
[ -n "$previous" ] || { echo "SKIP: debian/changelog has no previous version"; exit 77; }
added=$(git -C "$src" log --format=%H -1 -S "sendguard ($version)" -- debian/changelog 2>/dev/null || true)
if [ -z "$added" ] || ! git -C "$src" cat-file -e "$added^" 2>/dev/null; then
  echo "SKIP: the git history of $src does not reach version $previous (shallow clone?)"
  exit 77
fi

echo "== building the previous version $previous (from ${added:0:12}^)"
old_src=$work/previous-src
rm -rf "$old_src"
git clone -q --no-checkout "$src" "$old_src"
git -C "$old_src" checkout -q "$added^"
mkdir -p "$debs/previous"
SENDGUARD_DEB_LINTIAN=0 "$old_src/installer/build-debs.sh" "$debs/previous" > "$work/previous-build.log" 2>&1 ||
  { tail -30 "$work/previous-build.log"; echo "FAIL: building $previous"; exit 1; }
rm -rf "$old_src"

. "$(dirname "$0")/package_root.sh"
before=$(list_root)
arch=$(dpkg --print-architecture)
db=sqlite:/var/lib/sendguard-central/central.db
as_central() { in_root runuser -u sendguard-central -- sendguard-central "$@"; }
installed_version() { in_root dpkg-query -W -f='${Version}' "$1"; }

echo "== $previous installed and used"
apt_install_debs "$debs/previous"/sendguard-{agent,central,tools}_"${previous}"_"$arch".deb
[ "$(installed_version sendguard-central)" = "$previous" ] || fail "not $previous"
port=$(free_port)
start_central "$port"
in_root sendguard-central-setup --organization テスト市 --domains city.test.lg.jp \
  > "$root/tmp/setup.log" 2>&1 || fail "sendguard-central-setup"
as_central section add --db "$db" --name 総務課 > /dev/null || fail "section add"
printf 'upgrade-pass-2026\n' | as_central user add --db "$db" --login somu-kanri \
  --name "総務 太郎" --section 総務課 --role kanri > /dev/null || fail "user add"
token=$(as_central agent enroll --db "$db" --name pc-01 --section 総務課 | tail -1)
post_event() {
  curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' --data "{\"events\":[{\"id\":\"$1\",\"kind\":\"send_blocked\",\"time\":\"2026-12-01T09:00:00Z\",\"user\":\"clerk\"}]}" \
    "http://127.0.0.1:$port/api/v1/events"
}
[ "$(post_event upgrade-before-1)" = 200 ] || fail "event before the upgrade"
policy() { curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/policy"; }
policy_before=$(policy) || fail "policy before the upgrade"
key_before=$(cat "$root/var/lib/sendguard-central/policy.pub")
echo "# kept across upgrades: an administrator's note" >> "$root/etc/sendguard/central.conf"
stop_services

echo "== upgraded to $version"
apt_install_debs "$debs"/sendguard-{agent,central,tools}_"${version}"_"$arch".deb
for p in sendguard-agent sendguard-central sendguard-tools; do
  [ "$(installed_version $p)" = "$version" ] || fail "$p is $(installed_version $p), not $version"
done
grep -q "^# kept across upgrades" "$root/etc/sendguard/central.conf" || fail "the edited central.conf was replaced"
start_central "$port"
[ "$(cat "$root/var/lib/sendguard-central/policy.pub")" = "$key_before" ] || fail "the policy key changed"
[ "$(policy)" = "$policy_before" ] || fail "the agent's token or the published policy did not survive"
as_central events list --db "$db" --json | grep -q upgrade-before-1 || fail "the event is gone"
[ "$(post_event upgrade-after-1)" = 200 ] || fail "event after the upgrade"
[ "$(post_event upgrade-before-1)" = 200 ] || fail "a resent event after the upgrade"
[ "$(as_central events list --db "$db" --json | grep -o upgrade-before-1 | wc -l)" = 1 ] ||
  fail "a resent event was stored twice"
login=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "Origin: http://127.0.0.1:$port" --data '{"login":"somu-kanri","password":"upgrade-pass-2026"}' \
  "http://127.0.0.1:$port/api/v1/console/login")
[ "$login" = 200 ] || fail "the console user cannot log in after the upgrade ($login)"

echo "== purge"
purge_leaves_nothing "$before"
echo "OK: $previous -> $version kept the events, users, agents, key, policy and the edited conffile; purge left nothing"
