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
. "$(dirname "$0")/package_root.sh"

before=$(list_root)

echo "== apt-get install the packages"
apt_install_debs "$debs"/sendguard-{agent,central,tools}_*.deb
# Idempotent maintainer scripts: configuring again changes nothing and does not fail.
in_root dpkg-reconfigure sendguard-central > /dev/null 2>&1 || fail "postinst run twice"

echo "== central, started as sendguard-central.service starts it"
central_port=$(free_port)
start_central "$central_port"
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
# A PDF: read by the plugin /usr/lib/sendguard/libsendguard-pdf.so, found through doccheck's
# RUNPATH (an unloadable plugin would make it "not fully checked").
cp "$src/tests/data/extract/sample.pdf" "$root/tmp/sample.pdf"
in_root doccheck /tmp/sample.pdf > "$root/tmp/doccheck-pdf.log" 2>&1 || true
grep -q "classification_label" "$root/tmp/doccheck-pdf.log" &&
  ! grep -q "not fully checked)" "$root/tmp/doccheck-pdf.log" ||
  fail "doccheck did not read the PDF: $(cat "$root/tmp/doccheck-pdf.log")"

# A mail: read by the plugin /usr/lib/sendguard/libsendguard-mime.so (vmime), found the same
# way (without it the mail would be "not fully checked" and mailcheck would exit 3).
printf 'From: a@city.honjo.lg.jp\r\nTo: b@example.ne.jp\r\nSubject: =?UTF-8?B?5L2P5rCR?=\r\n\r\n個人番号 3739 6401 7574\r\n' \
  > "$root/tmp/resident.eml"
in_root doccheck /tmp/resident.eml > "$root/tmp/doccheck-eml.log" 2>&1 || true
grep -qi "my.number\|my_number\|個人番号" "$root/tmp/doccheck-eml.log" &&
  ! grep -q "not fully checked)" "$root/tmp/doccheck-eml.log" ||
  fail "doccheck did not read the mail: $(cat "$root/tmp/doccheck-eml.log")"
rc=0
in_root mailcheck --json /tmp/resident.eml > "$root/tmp/mailcheck.log" 2>&1 || rc=$?
[ "$rc" != 3 ] && grep -q '"subject":"住民"' "$root/tmp/mailcheck.log" ||
  fail "mailcheck did not read the mail (exit $rc): $(cat "$root/tmp/mailcheck.log")"

echo "== purge"
purge_leaves_nothing "$before"
echo "OK: installed, central served, the enrolled agent reported, doccheck read a text file, a PDF and a mail, mailcheck a mail, purge left no sendguard file"
