#!/usr/bin/env bash
# Whole-process benchmark of doccheck on plain text, side by side with ripgrep's search
# for 12-digit numbers on the same file (the issue's reference), plus peak memory on two
# sizes to show it does not grow with the file.
#
#   bench/run_text_bench.sh [BUILD_DIR] [SIZE_MB]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${1:-$here/build}"
size="${2:-100}"
work="${TMPDIR:-/tmp}/sendguard-bench"
mkdir -p "$work"
input="$work/text_${size}mb.txt"
half="$work/text_$((size / 2))mb.txt"
[ -f "$input" ] || /usr/bin/python3 "$here/bench/make_text_input.py" "$input" "$size"
[ -f "$half" ] || /usr/bin/python3 "$here/bench/make_text_input.py" "$half" "$((size / 2))"
bytes=$(stat -c %s "$input")
pattern='[0-9０-９]{4}[ \-－]?[0-9０-９]{4}[ \-－]?[0-9０-９]{4}'

measure() {  # label, command...
  local label=$1; shift
  cat "$input" > /dev/null  # warm the page cache
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null 2>&1 || true
  read -r secs rss < <(tail -n 1 "$work/time")
  awk -v l="$label" -v s="$secs" -v r="$rss" -v b="$bytes" \
    'BEGIN { printf "| %s | %.2f s | %.0f MB/s | %.0f MB |\n", l, s, b / 1048576 / s, r / 1024 }'
}

echo "input: $input ($((bytes / 1048576)) MiB), $(nproc) cores"
echo "| command | wall | throughput | peak RSS |"
echo "| --- | --- | --- | --- |"
measure "doccheck --json (full detection)" "$build/doccheck/doccheck" --json "$input"
measure "rg -c '$pattern'" rg -c "$pattern" "$input"
measure "rg -c -j1 '$pattern'" rg -j1 -c "$pattern" "$input"
/usr/bin/time -f "%M" -o "$work/time" "$build/doccheck/doccheck" --json "$half" > /dev/null 2>&1 || true
echo "peak RSS of doccheck on $((size / 2)) MiB: $(( $(tail -n 1 "$work/time") / 1024 )) MB"
