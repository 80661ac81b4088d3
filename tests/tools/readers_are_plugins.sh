#!/bin/sh
# vmime and poppler are mapped only by the plugins that read mail and PDFs
# (libsendguard-mime.so, libsendguard-pdf.so), loaded on first use: no program that
# links doccheck or mailcheck may load them at start, directly or through another
# library, or carry their code. The plugins themselves must link them.
# usage: readers_are_plugins.sh PLUGIN_DIR PROGRAM...
set -eu
plugins=$1
shift
fail=0
for bin in "$@"; do
  if ldd "$bin" | grep -Ei 'libvmime|libpoppler|libgnutls|libgsasl'; then
    echo "FAIL: $bin loads vmime or poppler at start (above)" >&2
    fail=1
  fi
  if nm -C "$bin" | grep -E ' [TtWw] (vmime|poppler)::' | head -n 3 | grep .; then
    echo "FAIL: $bin carries vmime or poppler code (above)" >&2
    fail=1
  fi
done
readelf -d "$plugins/libsendguard-mime.so" | grep -q 'NEEDED.*libvmime' ||
  { echo "FAIL: libsendguard-mime.so does not link vmime" >&2; fail=1; }
readelf -d "$plugins/libsendguard-pdf.so" | grep -q 'NEEDED.*libpoppler' ||
  { echo "FAIL: libsendguard-pdf.so does not link poppler" >&2; fail=1; }
[ $fail = 0 ] && echo "OK: $# programs load neither vmime nor poppler at start; the plugins do"
exit $fail
