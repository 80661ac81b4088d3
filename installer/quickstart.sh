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
  libvmime-dev libpoco-dev libicu-dev libgtest-dev libgmock-dev
  libpoppler-cpp-dev libsqlite3-dev libpq-dev libsodium-dev libcups2-dev libbenchmark-dev
  zlib1g-dev libdeflate-dev libsystemd-dev curl libmecab-dev mecab-ipadic-utf8 libmstch-dev zip
)
test_packages=(
  python3 libpython3.11-testsuite zip unzip poppler-utils swaks msmtp python3-aiosmtpd
  postfix clang-14 libclang-rt-14-dev curl postgresql
  dbus-daemon dbus-bin python3-dbusmock
  chromium chromium-driver python3-selenium fonts-ipafont-gothic fonts-noto-cjk
  cups-daemon cups-client cups-filters cups-ipp-utils ghostscript avahi-daemon
  dbus-system-bus-common
  nodejs
  thunderbird xvfb xdotool xclip debootstrap systemd
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
    # The confirmation page's fixed address (the agent's own default is any free port).
    control_listen="${SENDGUARD_CONTROL_LISTEN:-127.0.0.1:2526}"
    upstream="${SENDGUARD_UPSTREAM:-127.0.0.1:25}"
    upstream_tls="${SENDGUARD_UPSTREAM_TLS:-none}"
    central_listen="${SENDGUARD_CENTRAL_LISTEN:-127.0.0.1:8740}"
    state="${SENDGUARD_STATE_DIR:-$HOME/.local/state/sendguard}"
    policy="${SENDGUARD_POLICY:-$here/mailcheck/default_policy.json}"
    central_bin="$build/central/sendguard-central"
    db="sqlite:$state/central/central.db"
    mkdir -p "$state/central" "$state/agent"
    chmod 700 "$state" "$state/central" "$state/agent"
    # The central service (embedded SQLite) on loopback; stopped when the agent stops.
    "$central_bin" serve --listen "$central_listen" --state-dir "$state/central" \
      >> "$state/central/central.log" 2>&1 &
    central_pid=$!
    trap 'kill $central_pid 2>/dev/null; wait $central_pid 2>/dev/null' EXIT
    for _ in $(seq 100); do
      [ -f "$state/central/policy.pub" ] && curl -s -o /dev/null "http://$central_listen/api/v1/policy" && break
      kill -0 $central_pid 2>/dev/null || { echo "sendguard-central did not start:"; tail -5 "$state/central/central.log"; exit 1; }
      sleep 0.1
    done
    # First run: enrol this desktop's agent and publish the default policy, signed.
    if [ ! -s "$state/agent/agent.token" ]; then
      (umask 077; "$central_bin" agent enroll --db "$db" --name "$(hostname)-$(id -un)" \
         > "$state/agent/agent.token")
      version=$("$central_bin" policy push --db "$db" --state-dir "$state/central" "$policy")
      echo "== enrolled this agent with central and published policy version $version"
    fi
    # First run: a first administrator for the web console; the password is shown once.
    if [ -z "$("$central_bin" user list --db "$db")" ]; then
      console_password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
      "$central_bin" section add --db "$db" --name "情報システム課" >/dev/null
      printf '%s\n' "$console_password" | "$central_bin" user add --db "$db" --login admin \
        --name "システム管理者" --section "情報システム課" --role sysadmin,kansa >/dev/null
      echo "== web console: http://$central_listen/ — first login: admin / $console_password"
      echo "   (shown only now; add people with: $central_bin user add --db $db --login LOGIN ...)"
    fi
    agent=("$build/agent/sendguard-agent" --listen "$listen" --upstream "$upstream"
           --upstream-tls "$upstream_tls" --policy "$policy" --state-dir "$state/agent"
           --control-listen "$control_listen"
           --central "http://$central_listen" --agent-token-file "$state/agent/agent.token"
           --policy-key "$state/central/policy.pub" --policy-poll 60)
    "${agent[@]}" --check-config
    if grep -q '"city.honjo.lg.jp"' "$policy"; then
      echo "!! 警告: 見本のポリシー (本庄市、city.honjo.lg.jp) のままです。自分の組織のドメインに変えてください。"
      echo "!! WARNING: the sample policy's internal domain (city.honjo.lg.jp) is in force: every"
      echo "!!   other domain counts as outside. Set SENDGUARD_POLICY=FILE with your own domains."
    fi
    echo "== sendguard is starting."
    echo "   Point your mail client's outgoing (SMTP) server at ${listen%:*}, port ${listen##*:},"
    echo "   no encryption, no authentication (or your usual login: it is checked upstream)."
    echo "   Mail is relayed to $upstream ($upstream_tls). Set SENDGUARD_UPSTREAM=host:port and"
    echo "   SENDGUARD_UPSTREAM_TLS=starttls|tls for your organisation's mail server."
    echo "   Central service and web console: http://$central_listen/ (SQLite in $state/central); events:"
    echo "     $central_bin events list --db $db"
    echo "   Push a new policy: $central_bin policy push --db $db --state-dir $state/central FILE"
    echo "   Decisions are logged (masked) to $state/agent/audit.jsonl. Stop with Ctrl-C."
    "${agent[@]}"
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
