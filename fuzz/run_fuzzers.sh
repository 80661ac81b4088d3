#!/bin/sh
# Builds the libFuzzer targets with clang-14 (ASan + UBSan) and runs each for SECONDS
# (default 30) on its seed corpus in fuzz/corpus/<name>/. New inputs go to a scratch
# directory, not into the repository. Exits non-zero when a fuzzer finds a crash; the
# reproducer is left in the build directory (crash-*, leak-*, timeout-*).
#   fuzz/run_fuzzers.sh [SECONDS] [NAME...]
set -eu
seconds=${1:-30}
[ $# -gt 0 ] && shift
src=$(cd "$(dirname "$0")/.." && pwd)
build=${SENDGUARD_FUZZ_BUILD:-$src/build-fuzz}
jobs=${SENDGUARD_FUZZ_JOBS:-2}

CXX=${CXX:-clang++-14} cmake -S "$src" -B "$build" -G Ninja -DSENDGUARD_FUZZ=ON \
  -DSENDGUARD_TESTS=OFF -DSENDGUARD_BENCH=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
names=${*:-$(cd "$src/fuzz" && ls *_fuzz.cc | sed 's/\.cc$//')}
# shellcheck disable=SC2086
cmake --build "$build" -j"$jobs" --target $names

status=0
for name in $names; do
  scratch=$(mktemp -d)
  seeds="$src/fuzz/corpus/${name%_fuzz}"
  echo "== $name for ${seconds}s (seeds: $seeds)"
  if ! (cd "$build" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "./fuzz/$name" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 \
        -max_len=262144 -print_final_stats=1 "$scratch" "$seeds" 2>"$build/$name.log"); then
    echo "!! $name failed; see $build/$name.log"
    tail -40 "$build/$name.log"
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/$name.log" || true
  fi
  rm -rf "$scratch"
done
exit $status
