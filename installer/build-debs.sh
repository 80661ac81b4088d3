#!/usr/bin/env bash
# Builds the Debian packages sendguard-agent, sendguard-central and sendguard-tools from
# this tree (debhelper 13, dh --buildsystem=cmake+ninja; see debian/):
#
#   installer/build-debs.sh [OUT_DIR]      default OUT_DIR: build-deb/ beside debian/
#
# The .debs, .changes and lintian's report end up in OUT_DIR. The tree is copied there
# first (the files git knows, plus uncommitted ones), so dpkg-buildpackage never writes
# beside the checkout. Installs the build dependencies with apt-get when run as root.
# SENDGUARD_DEB_CCACHE=1 compiles through ccache; SENDGUARD_DEB_LINTIAN=0 skips lintian.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$here/build-deb}" && cd "${1:-$here/build-deb}" && pwd)
version=$(dpkg-parsechangelog -l "$here/debian/changelog" -S Version)
cmake_version=$(sed -n 's/^project(sendguard VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")
if [ "${version%%-*}" != "$cmake_version" ]; then
  echo "build-debs: debian/changelog says $version but CMakeLists.txt says $cmake_version;" >&2
  echo "  add a changelog entry: dch -v $cmake_version 'New version.'" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  need=(debhelper dpkg-dev fakeroot lintian)
  mapfile -t -O ${#need[@]} need < <(sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' \
    "$here/debian/control" | sed '1s/^Build-Depends://; /^[A-Z][A-Za-z-]*:/d' | tr ',' '\n' |
    sed 's/(.*)//; s/[[:space:]]//g' | grep -v '^$' | grep -v '^debhelper-compat$')
  missing=()
  for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

src="$out/sendguard-$version"
rm -rf "$src"
mkdir -p "$src"
(cd "$here" && git ls-files -z --cached --others --exclude-standard 2>/dev/null |
   grep -zv '^build' | xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$src"
rm -f "$out"/sendguard*_"$version"_*.deb "$out"/sendguard*_"$version"_*.ddeb

echo "== building sendguard $version packages in $out"
(cd "$src" && SENDGUARD_DEB_CCACHE="${SENDGUARD_DEB_CCACHE:-}" \
   dpkg-buildpackage -b -uc -us -j"$(nproc)" > "$out/build.log" 2>&1) || {
  tail -40 "$out/build.log" >&2
  echo "build-debs: dpkg-buildpackage failed; the whole log: $out/build.log" >&2
  exit 1
}
changes=$(ls "$out"/sendguard_"$version"_*.changes)
if [ "${SENDGUARD_DEB_LINTIAN:-1}" != 0 ]; then
  echo "== lintian"
  lintian --fail-on error,warning --info "$changes" | tee "$out/lintian.log"
fi
rm -rf "$src"
ls -1 "$out"/*.deb
