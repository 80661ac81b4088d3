# Shared by the package tests: a fresh Debian 12 root (debootstrap minbase, cached as a
# tar), commands run inside it, and the services started by their units' own lines.
# Source it after setting: work (a directory for the cache and the root). It defines
# root, pids, in_root, fail, free_port, unit_line, central_run, list_root and a cleanup
# trap. Needs root, debootstrap and a Debian mirror.

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
# A process and everything it started: a background `in_root runuser ...` is a subshell
# whose chroot, runuser and the service itself are its descendants; killing the subshell
# alone left central and the agent running after the test, inside a deleted root.
kill_tree() {
  local child
  for child in $(pgrep -P "$1" || true); do kill_tree "$child"; done
  kill "$1" 2>/dev/null || true
}
stop_services() {
  for p in "${pids[@]}"; do kill_tree "$p"; done
  wait 2>/dev/null || true
  pids=()
}
cleanup() {
  stop_services
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$cache"
mount -t proc proc "$root/proc"
cp /etc/resolv.conf "$root/etc/resolv.conf"

in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
fail() {
  echo "FAIL: $*" >&2
  for f in "$root"/tmp/*.log; do [ -f "$f" ] && sed "s#^#  $(basename "$f"): #" "$f" >&2; done
  exit 1
}
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
unit_line() { sed -n "s/^$2=//p" "$root$1" | head -1; }

# Runs KEY (ExecStart, ExecStartPre) of sendguard-central.service as the unit does: its
# variables from its EnvironmentFile, as its User=.
central_run() {
  local unit=/lib/systemd/system/sendguard-central.service
  (set -a; . "$root/etc/sendguard/central.conf"; set +a
   eval "cmd=($(unit_line "$unit" "$1"))"
   in_root runuser -u "$(unit_line "$unit" User)" -- "${cmd[@]}")
}

# Starts central on PORT in the background (ExecStartPre first) and waits until it answers.
start_central() {
  local port=$1
  sed -i "s/^SENDGUARD_CENTRAL_LISTEN=.*/SENDGUARD_CENTRAL_LISTEN=127.0.0.1:$port/" \
    "$root/etc/sendguard/central.conf"
  central_run ExecStartPre > "$root/tmp/central-check.log" 2>&1 || fail "ExecStartPre (--check-config)"
  central_run ExecStart >> "$root/tmp/central.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do  # any HTTP answer (401 without a token) means it serves
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/policy")" != 000 ] && return 0
    sleep 0.2
  done
  fail "central did not answer on $port"
}

# The root's files outside the places that change by themselves (apt lists, logs, homes).
list_root() {
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./home -o -path ./tmp -o -path ./var/cache \
    -o -path ./var/lib/apt -o -path ./var/log -o -path ./var/lib/dpkg \) -prune -o -print | sort)
}

# apt-get installs the .deb files given (paths on the host) into the root.
apt_install_debs() {
  local in_debs=() f
  rm -rf "$root/tmp/debs" && mkdir -p "$root/tmp/debs"
  for f in "$@"; do cp "$f" "$root/tmp/debs/" && in_debs+=("/tmp/debs/$(basename "$f")"); done
  in_root apt-get update -qq > /dev/null
  # An unattended upgrade keeps what the administrator changed in a conffile.
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${in_debs[@]}" >> "$root/tmp/apt.log" 2>&1 || fail "apt-get install ${in_debs[*]}"
}

# apt-get purges the three packages and fails when a sendguard file outside /home is left
# compared with BEFORE (a list_root output).
purge_leaves_nothing() {
  local before=$1 after left
  stop_services
  in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq sendguard-agent sendguard-central \
    sendguard-tools > "$root/tmp/purge.log" 2>&1 || fail "apt-get purge"
  # The users' own ~/.local/state/sendguard is theirs (Debian policy): /home is not compared.
  rm -f "$root/tmp/"*.log
  after=$(list_root)
  left=$(comm -13 <(echo "$before") <(echo "$after") | grep -i sendguard || true)
  [ -z "$left" ] || fail "purge left: $left"
}
