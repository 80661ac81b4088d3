#!/bin/sh
# False findings of doccheck on real Japanese text: the Japanese man pages of Debian
# (manpages-ja, manpages-ja-dev), converted to text with groff, then checked.
#
#   apt-get install manpages-ja manpages-ja-dev groff
#   bench/manpages_ja.sh build/doccheck/doccheck [workdir]
#
# Writes <workdir>/text/*.txt once (reused when present) and <workdir>/report.json, then
# prints the size, the person names and phone numbers found (with --reveal, one a line:
# file, line, value, confidence), and the rates per MB. Everything these pages hold is
# public documentation: every person name reported here is either a real translator or
# author credit or a false alarm; read the list to tell which.
set -eu
doccheck=$1
work=${2:-/tmp/manpages_ja}
src=/usr/share/man/ja
[ -d "$src" ] || { echo "manpages-ja is not installed" >&2; exit 2; }
mkdir -p "$work/text"
if [ -z "$(ls -A "$work/text")" ]; then
  find "$src" -type f -name '*.gz' | while read -r page; do
    name=$(echo "${page#$src/}" | tr '/' '_')
    # -mandoc: man or mdoc; -k: preconv (input is UTF-8); col -bx: no overstrikes, no tabs.
    zcat "$page" | groff -k -Tutf8 -mandoc -P-c 2>/dev/null | col -bx \
      > "$work/text/${name%.gz}.txt" || true
  done
fi
files=$(find "$work/text" -type f -size +0 | wc -l)
bytes=$(cat "$work/text"/*.txt | wc -c)
"$doccheck" --json --reveal "$work/text" > "$work/report.json" || true
/usr/bin/python3 - "$work/report.json" "$bytes" "$files" <<'PY'
import json, sys
report, size, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = json.load(open(report))
by_kind = {}
def walk(f):
    for x in f.get("findings", []):
        by_kind.setdefault(x["kind"], []).append((f["path"], x))
    for c in f.get("children", []):
        walk(c)
for f in data["files"]:
    walk(f)
mb = size / 1e6
print(f"{files} pages, {mb:.1f} MB of text")
for kind in ("person_name", "phone"):
    found = by_kind.get(kind, [])
    print(f"== {kind}: {len(found)} ({len(found) / mb:.2f} per MB)")
    for path, x in found:
        print(f"  {path.rsplit('/', 1)[-1]}:{x['location'].get('line')}  {x['normalized']}"
              f"  {x['confidence']:.2f}")
print("== all kinds:", ", ".join(f"{k} {len(v)}" for k, v in sorted(by_kind.items())))
PY
