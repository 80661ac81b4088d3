#!/bin/sh
# Central validates policies with policy_core only: it must not be linked against the
# scanning stack — not on its link line (libdoccheck_core, libmailcheck_core, vmime,
# poppler), not among the shared libraries it loads, not in its code.
# usage: links_no_scanning_stack.sh BINARY BUILD_DIR MAKE_PROGRAM GENERATOR
set -eu
bin=$1 build=$2 make=$3 generator=$4
fail=0

# 1. The link line (what the build system links, before the linker drops anything).
case $generator in
  Ninja*) link=$("$make" -C "$build" -t commands central/sendguard-central | tail -n 1) ;;
  *) link=$(cat "$build/central/CMakeFiles/sendguard-central.dir/link.txt") ;;
esac
if printf '%s\n' "$link" | tr ' ' '\n' | grep -E 'doccheck_core|mailcheck_core|vmime|poppler'; then
  echo "FAIL: sendguard-central is linked with the scanning stack (above)" >&2
  fail=1
fi
# 2. The shared libraries it loads.
libs=$(ldd "$bin")
if printf '%s\n' "$libs" | grep -Ei 'libvmime|libpoppler'; then
  echo "FAIL: $bin loads vmime or poppler (above)" >&2
  fail=1
fi
# 3. Its code: no scanner, no message parser; the policy validator is there.
syms=$(nm -C "$bin")
if printf '%s\n' "$syms" | grep -E 'doccheck::Checker|mailcheck::Decide|vmime::' | head -n 5 |
   grep .; then
  echo "FAIL: $bin carries doccheck/mailcheck scanning code (above)" >&2
  fail=1
fi
if ! printf '%s\n' "$syms" | grep -q 'mailcheck::ParsePolicy'; then
  echo "FAIL: $bin has no mailcheck::ParsePolicy: is this the right binary?" >&2
  fail=1
fi
[ $fail = 0 ] && echo "OK: sendguard-central links no vmime, poppler or doccheck scanner"
exit $fail
