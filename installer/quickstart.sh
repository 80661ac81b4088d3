#!/usr/bin/env bash
# sendguard quick start for a fresh Debian 12 machine.
#
#   installer/quickstart.sh run    install what is needed, build, run the main job
#   installer/quickstart.sh test   install what is needed, build, run every test
#
# Needs root (or sudo) for apt-get. Builds into build/ beside this checkout.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build="${SENDGUARD_BUILD_DIR:-$here/build}"
shared="${SENDGUARD_SHARED_DIR:-$here/../shared}"
jobs=$(nproc 2>/dev/null || echo 2)

# Debian packages: compiler and libraries (DEPS.md), and the real programs the tests drive.
build_packages=(
  g++ cmake ninja-build pkg-config git ca-certificates
  libvmime-dev libpoco-dev libcurl4-openssl-dev libicu-dev libgtest-dev libgmock-dev
  libpoppler-cpp-dev libsqlite3-dev libpq-dev libsodium-dev libcups2-dev libbenchmark-dev
  zlib1g-dev libsystemd-dev
)
test_packages=(
  python3 libpython3.11-testsuite zip unzip poppler-utils swaks msmtp python3-aiosmtpd
  postfix clang-14 libclang-rt-14-dev curl postgresql
  dbus-daemon dbus-bin python3-dbusmock
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing: ${missing[*]}"
    # postfix is only wanted for its smtp-sink test server: no mail system configuration.
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

build() {
  echo "== building in $build"
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSENDGUARD_WERROR=ON -DSENDGUARD_SHARED_DIR="$shared" >/dev/null
  cmake --build "$build" -j "$jobs"
}

case "${1:-}" in
  run)
    install_packages "${build_packages[@]}"
    build
    listen="${SENDGUARD_LISTEN:-127.0.0.1:2525}"
    upstream="${SENDGUARD_UPSTREAM:-127.0.0.1:25}"
    upstream_tls="${SENDGUARD_UPSTREAM_TLS:-none}"
    state="${SENDGUARD_STATE_DIR:-$HOME/.local/state/sendguard}"
    policy="${SENDGUARD_POLICY:-$here/mailcheck/default_policy.json}"
    agent=("$build/agent/sendguard-agent" --listen "$listen" --upstream "$upstream"
           --upstream-tls "$upstream_tls" --policy "$policy" --state-dir "$state")
    "${agent[@]}" --check-config
    echo "== sendguard-agent is starting."
    echo "   Point your mail client's outgoing (SMTP) server at ${listen%:*}, port ${listen##*:},"
    echo "   no encryption, no authentication. Mail is checked with $policy"
    echo "   and relayed to $upstream ($upstream_tls). Set SENDGUARD_UPSTREAM=host:port and"
    echo "   SENDGUARD_UPSTREAM_TLS=starttls|tls for your organisation's mail server."
    echo "   Decisions are logged (masked) to $state/audit.jsonl. Stop with Ctrl-C."
    echo "   (The central service is not built yet: see README.md, 'Status'.)"
    exec "${agent[@]}"
    ;;
  test)
    install_packages "${build_packages[@]}" "${test_packages[@]}"
    build
    echo "== fuzzing each parser briefly (libFuzzer, ASan + UBSan; seeds replayed first)"
    SENDGUARD_FUZZ_BUILD="$build-fuzz" "$here/fuzz/run_fuzzers.sh" "${SENDGUARD_FUZZ_SECONDS:-15}"
    echo "== running every test"
    ctest --test-dir "$build" --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: $0 run|test" >&2
    exit 2
    ;;
esac
