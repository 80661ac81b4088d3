#!/usr/bin/env bash
# The packages in a fresh Debian 12 root (debootstrap; no systemd booted): installed with
# apt, the services started by their units' own ExecStart lines, then: central answers,
# a desktop enrolled as README "Install on desktops" says reports to it, sendguard-tools'
# doccheck runs, and apt-get purge leaves no sendguard file behind.
#   package_install_test.sh SOURCE_DIR DEB_DIR WORK_DIR
# Needs root, debootstrap, network access to a Debian mirror; swaks and smtp-sink on the
# host. The debootstrapped root is cached as WORK_DIR/bookworm-minbase.tar.
set -euo pipefail
src=$1 debs=$2 work=$3
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
for p in debootstrap swaks /usr/sbin/smtp-sink curl; do
  command -v "$p" >/dev/null || { echo "SKIP: needs $p"; exit 77; }
done
mkdir -p "$work"
cache=$work/bookworm-minbase.tar
mirror=${SENDGUARD_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ ! -s "$cache" ]; then
  echo "== debootstrap bookworm (minbase) from $mirror"
  rm -rf "$work/bootstrap"
  debootstrap --variant=minbase bookworm "$work/bootstrap" "$mirror" > "$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log"; exit 1; }
  tar -C "$work/bootstrap" -cf "$cache.tmp" . && mv "$cache.tmp" "$cache"
  rm -rf "$work/bootstrap"
fi
root=$(mktemp -d "$work/root.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
fail() { echo "FAIL: $*" >&2; for f in "$root"/tmp/*.log; do [ -f "$f" ] && sed "s#^#  $(basename "$f"): #" "$f" >&2; done; exit 1; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

before=$(cd "$root" && find . -xdev \( -path ./proc -o -path ./home -o -path ./tmp -o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/log -o -path ./var/lib/dpkg \) -prune -o -print | sort)

echo "== apt-get install the packages"
mkdir -p "$root/tmp/debs"
cp "$debs"/sendguard-{agent,central,tools}_*.deb "$root/tmp/debs/"
in_root apt-get update -qq > /dev/null
in_debs=()
for f in "$root"/tmp/debs/*.deb; do in_debs+=("/tmp/debs/$(basename "$f")"); done
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
  "${in_debs[@]}" > "$root/tmp/apt.log" 2>&1 || fail "apt-get install"
# Idempotent maintainer scripts: configuring again changes nothing and does not fail.
in_root dpkg-reconfigure sendguard-central > /dev/null 2>&1 || fail "postinst run twice"

echo "== central, started as sendguard-central.service starts it"
central_port=$(free_port)
sed -i "s/^SENDGUARD_CENTRAL_LISTEN=.*/SENDGUARD_CENTRAL_LISTEN=127.0.0.1:$central_port/" \
  "$root/etc/sendguard/central.conf"
unit_line() { sed -n "s/^$2=//p" "$root$1" | head -1; }
# The unit's line, its variables from its EnvironmentFile, run as its User=.
unit_run() {
  local unit=$1 key=$2
  (set -a; . "$root/etc/sendguard/central.conf"; set +a
   eval "cmd=($(unit_line "$unit" "$key"))"
   in_root runuser -u "$(unit_line "$unit" User)" -- "${cmd[@]}")
}
unit=/lib/systemd/system/sendguard-central.service
unit_run $unit ExecStartPre > "$root/tmp/central-check.log" 2>&1 || fail "ExecStartPre (--check-config)"
unit_run $unit ExecStart > "$root/tmp/central.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do  # any HTTP answer (401 without a token) means it serves
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$central_port/api/v1/policy")" != 000 ] && break
  sleep 0.2
done
[ -f "$root/var/lib/sendguard-central/policy.pub" ] || fail "central made no policy key"
[ "$(in_root stat -c %U /var/lib/sendguard-central)" = sendguard-central ] || fail "state dir owner"
in_root sendguard-central-setup --organization テスト市 --domains city.test.lg.jp \
  > "$root/tmp/setup.log" 2>&1 || fail "sendguard-central-setup"

echo "== a desktop user, enrolled as README says, reports to central"
sink_port=$(free_port)
mkdir -p "$work/sink"
/usr/sbin/smtp-sink -u root -d "$work/sink/%M." "127.0.0.1:$sink_port" 20 &
pids+=($!)
in_root runuser -u sendguard-central -- sendguard-central agent enroll \
  --db sqlite:/var/lib/sendguard-central/central.db --name pc-01 > "$root/etc/sendguard/agent.token"
chmod 0644 "$root/etc/sendguard/agent.token"
curl -sf -H "Authorization: Bearer $(cat "$root/etc/sendguard/agent.token")" \
  "http://127.0.0.1:$central_port/api/v1/policy" | grep -q city.test.lg.jp ||
  fail "central does not serve the town's policy to an enrolled agent"
cp "$root/var/lib/sendguard-central/policy.pub" "$root/etc/sendguard/policy.pub"
cat >> "$root/etc/sendguard/agent.conf" <<EOC
upstream = 127.0.0.1:$sink_port
central = http://127.0.0.1:$central_port
agent-token-file = /etc/sendguard/agent.token
policy-key = /etc/sendguard/policy.pub
policy-poll = 1
EOC
in_root useradd -m -u 1000 clerk
port_base=$(free_port)
agent_unit=/usr/lib/systemd/user/sendguard-agent.service
eval "cmd=($(unit_line $agent_unit ExecStart))"
in_root runuser -u clerk -- env HOME=/home/clerk SENDGUARD_AGENT_PORT_BASE="$port_base" \
  "${cmd[@]}" > "$root/tmp/agent.log" 2>&1 &
pids+=($!)
listen=$root/home/clerk/.local/state/sendguard/agent/listen
for _ in $(seq 100); do [ -s "$listen" ] && /usr/bin/python3 -c 'import socket,sys; socket.create_connection(("127.0.3.232",int(sys.argv[1])),1)' "$port_base" 2>/dev/null && break; sleep 0.2; done
[ "$(cat "$listen" 2>/dev/null)" = "127.0.3.232:$port_base" ] || fail "agent listen file: $(cat "$listen" 2>/dev/null)"
swaks --server 127.0.3.232 --port "$port_base" --from clerk@city.test.lg.jp \
  --to a@example.com,b@example.net --header "Subject: package test" > "$root/tmp/swaks.log" 2>&1 ||
  fail "the agent did not relay"
grep -qi '^To: undisclosed-recipients:;' "$work"/sink/* || fail "no BCC conversion"
ok=""
for _ in $(seq 50); do
  in_root runuser -u sendguard-central -- sendguard-central events list \
    --db sqlite:/var/lib/sendguard-central/central.db --json 2>/dev/null | grep -q bcc_converted && { ok=1; break; }
  sleep 0.2
done
[ -n "$ok" ] || fail "the agent's event did not reach central"

echo "== sendguard-tools: doccheck"
printf '氏名 山田太郎\n個人番号 3739 6401 7574\n' > "$root/tmp/resident.txt"
in_root doccheck /tmp/resident.txt > "$root/tmp/doccheck.log" 2>&1 || true
grep -qi "my.number\|my_number\|個人番号" "$root/tmp/doccheck.log" || fail "doccheck found no My Number"

echo "== purge"
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq sendguard-agent sendguard-central \
  sendguard-tools > "$root/tmp/purge.log" 2>&1 || fail "apt-get purge"
# The users' own ~/.local/state/sendguard is theirs (Debian policy): /home is not compared.
rm -f "$root/tmp/"*.log
after=$(cd "$root" && find . -xdev \( -path ./proc -o -path ./home -o -path ./tmp -o -path ./var/cache -o -path ./var/lib/apt -o -path ./var/log -o -path ./var/lib/dpkg \) -prune -o -print | sort)
left=$(comm -13 <(echo "$before") <(echo "$after") | grep -i sendguard || true)
[ -z "$left" ] || fail "purge left: $left"
echo "OK: installed, central served, the enrolled agent reported, doccheck ran, purge left no sendguard file"
