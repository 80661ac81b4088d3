#!/usr/bin/env bash
# Whole-process benchmarks of doccheck, side by side in one run:
#   1. 100 MB of mixed text, next to ripgrep's search for 12-digit numbers on the same
#      file (the issue's reference), plus peak memory on half the size;
#   2. many small files: the Japanese man pages (manpages-ja, manpages-ja-dev, converted
#      by bench/manpages_ja.sh), next to ripgrep over the same directory;
#   MeCab's share: 1 and 2 again with the dictionary switched off
#      (DOCCHECK_MECAB_DICDIR naming a directory without one);
#   3. a 5 MB XLSX resident list (bench/make_xlsx.py, 120,000 rows), in MB/s of unpacked XML.
# Each line gives wall time and CPU time (user + system): on a shared machine the wall
# time follows the other processes' load; the CPU time does not.
#
#   bench/run_text_bench.sh [BUILD_DIR] [SIZE_MB] [CASE]
# CASE: all (default), or xlsx to run only case 3 (with the same XLSX made once).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$here/build}"
size="${2:-100}"
only="${3:-all}"
doccheck="$build/doccheck/doccheck"
work="${TMPDIR:-/tmp}/sendguard-bench"
mkdir -p "$work"
input="$work/text_${size}mb.txt"
half="$work/text_$((size / 2))mb.txt"
if [ "$only" = all ]; then
  [ -f "$input" ] || /usr/bin/python3 "$here/bench/make_text_input.py" "$input" "$size"
  [ -f "$half" ] || /usr/bin/python3 "$here/bench/make_text_input.py" "$half" "$((size / 2))"
fi
pattern='[0-9０-９]{4}[ \-－]?[0-9０-９]{4}[ \-－]?[0-9０-９]{4}'
no_mecab=(env DOCCHECK_MECAB_DICDIR=/nonexistent)

measure() {  # label, bytes, command...
  local label=$1 bytes=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > /dev/null 2>&1 || true
  read -r secs user sys rss < <(tail -n 1 "$work/time")
  awk -v l="$label" -v s="$secs" -v u="$user" -v y="$sys" -v r="$rss" -v b="$bytes" \
    'BEGIN { c = u + y; if (s <= 0) s = 0.01; if (c <= 0) c = 0.01;
             printf "| %s | %.2f s | %.0f MB/s | %.2f s | %.0f MB/s | %.0f MB |\n",
                    l, s, b / 1e6 / s, c, b / 1e6 / c, r / 1024 }'
}
header() {
  echo "| command | wall | MB/s (wall) | CPU (user+sys) | MB/s (CPU) | peak RSS |"
  echo "| --- | --- | --- | --- | --- | --- |"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$only" = all ]; then
  bytes=$(stat -c %s "$input")
  echo
  echo "## 1. $input ($((bytes / 1000000)) MB, one file)"
  header
  cat "$input" > /dev/null  # warm the page cache
  measure "doccheck --json (every detector)" "$bytes" "$doccheck" --json "$input"
  measure "doccheck --json, MeCab off" "$bytes" "${no_mecab[@]}" "$doccheck" --json "$input"
  measure "rg -c '$pattern'" "$bytes" rg -c "$pattern" "$input"
  measure "rg -j1 -c (same pattern)" "$bytes" rg -j1 -c "$pattern" "$input"
  /usr/bin/time -f "%M" -o "$work/time" "$doccheck" --json "$half" > /dev/null 2>&1 || true
  echo "peak RSS of doccheck on $((size / 2)) MB: $(($(tail -n 1 "$work/time") / 1024)) MB"

  man="$work/manpages_ja"
  if [ ! -d "$man/text" ] && [ -d /usr/share/man/ja ] && command -v groff > /dev/null; then
    "$here/bench/manpages_ja.sh" "$doccheck" "$man" > /dev/null
  fi
  if [ -d "$man/text" ]; then
    files=$(find "$man/text" -type f | wc -l)
    bytes=$(cat "$man/text"/* | wc -c)
    echo
    echo "## 2. $files man pages, $((bytes / 1000)) kB ($man/text)"
    header
    measure "doccheck --json DIR" "$bytes" "$doccheck" --json "$man/text"
    measure "doccheck --json DIR, MeCab off" "$bytes" "${no_mecab[@]}" "$doccheck" --json "$man/text"
    measure "rg -c '$pattern' DIR" "$bytes" rg -c "$pattern" "$man/text"
  else
    echo "(man pages skipped: apt-get install manpages-ja manpages-ja-dev groff)"
  fi
fi

xlsx="$work/rows5mb.xlsx"
[ -f "$xlsx" ] || /usr/bin/python3 "$here/bench/make_xlsx.py" "$xlsx" 5 > /dev/null
xml=$(unzip -l "$xlsx" | awk 'END { print $1 }')
echo
echo "## 3. $xlsx ($(($(stat -c %s "$xlsx") / 1000)) kB, $((xml / 1000000)) MB of XML; MB/s of XML)"
header
measure "doccheck --json x.xlsx" "$xml" "$doccheck" --json "$xlsx"
measure "doccheck --json x.xlsx, MeCab off" "$xml" "${no_mecab[@]}" "$doccheck" --json "$xlsx"
measure "unzip -p x.xlsx, piped to rg -c (same pattern)" "$xml" \
  sh -c "unzip -p '$xlsx' | rg -c '$pattern'"
