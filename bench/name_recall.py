#!/usr/bin/python3
"""Person-name recall and false names of the doccheck CLI, measured on names it does not use.

Names come from JUMAN's dictionary (Debian mecab-jumandic-utf8, CSV sources under
/usr/share/mecab/dic/juman): its Japanese surnames and given names (人名:日本:姓 / 名) written
in kanji. doccheck reads names with the IPA dictionary, so this list is independent of it.
Ordinary nouns (普通名詞, kanji, two to three characters, not also a name) stand in for
what a careless form puts under a name label.

Layouts, each written to one file and checked line by line with `doccheck --json --reveal`:
  field      氏名：<surname> <given>          (labelled fields)
  column     CSV column 氏名: <surname> <given>
  column_ns  CSV column 氏名: <surname><given>
  prose_sp   本日、<surname> <given>様から電話がありました。 (honorifics rotate)
  prose      本日、<surname><given>様から電話がありました。
  noun_field 氏名：<noun>   -> any name found is false
  noun_col   CSV column 氏名: <noun>

Usage: bench/name_recall.py path/to/doccheck [--sample N] [--seed S] [--juman DIR]
       bench/name_recall.py path/to/doccheck --sample-file tests/data/names/fixed_sample.txt \
           --min-field 0.95 --min-prose 0.9 --max-noun 0.05
A line is a hit when a person_name on it has exactly the surname and given name. With
--min-*/--max-noun, exits 1 when a figure misses its threshold (the ctest uses this).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

KANJI = re.compile(r"^[\u4e00-\u9fff\u3005]+$")


def load_juman(d):
    surnames, given, nouns = [], [], []
    names = set()
    with open(os.path.join(d, "Noun.koyuu.csv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split(",")
            if len(cols) < 11 or cols[5] != "人名":
                continue
            w = cols[0]
            names.add(w)
            if not KANJI.match(w):
                continue
            if "人名:日本:姓" in cols[10]:
                surnames.append(w)
            elif "人名:日本:名" in cols[10]:
                given.append(w)
    with open(os.path.join(d, "ContentW.csv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split(",")
            if len(cols) < 11 or cols[5] != "普通名詞":
                continue
            w = cols[0]
            if not KANJI.match(w) or not 2 <= len(w) <= 3 or w in names:
                continue
            if "カテゴリ:人" in cols[10] and "カテゴリ:人工物" not in cols[10]:
                continue  # 人: 先生, 担当 ... would be names of a kind
            nouns.append(w)
    return sorted(set(surnames)), sorted(set(given)), sorted(set(nouns))


def run(doccheck, path):
    out = subprocess.run([doccheck, "--json", "--reveal", path], capture_output=True, text=True)
    data = json.loads(out.stdout)
    by_line = {}

    def walk(f):
        for x in f.get("findings", []):
            if x["kind"] == "person_name":
                by_line.setdefault(x["location"].get("line"), []).append(x)
        for c in f.get("children", []):
            walk(c)

    for f in data["files"]:
        walk(f)
    return by_line


def measure(doccheck, name, lines, want, first_line=1):
    """lines: text lines; want: per line the expected normalized name, or None (no name)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        by_line = run(doccheck, path)
    hits = partial = false = 0
    conf = []
    for i, w in enumerate(want):
        found = by_line.get(i + first_line, [])
        if w is None:
            false += 1 if found else 0
            continue
        if any(x["normalized"] == w for x in found):
            hits += 1
            conf += [x["confidence"] for x in found if x["normalized"] == w]
        elif found:
            partial += 1
    return hits, partial, false, conf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("doccheck")
    ap.add_argument("--sample", type=int, default=300)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--juman", default="/usr/share/mecab/dic/juman")
    ap.add_argument("--sample-file", help="fixed sample: name<TAB>surname<TAB>given, noun<TAB>w")
    ap.add_argument("--min-field", type=float, help="minimum recall in fields and columns")
    ap.add_argument("--min-prose", type=float, help="minimum recall in prose")
    ap.add_argument("--max-noun", type=float, help="maximum rate of nouns reported as names")
    args = ap.parse_args()
    if args.sample_file:
        pairs, sample_nouns = [], []
        with open(args.sample_file, encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if cols[0] == "name" and len(cols) == 3:
                    pairs.append((cols[1], cols[2]))
                elif cols[0] == "noun" and len(cols) == 2:
                    sample_nouns.append(cols[1])
        n = len(pairs)
        print(f"{args.sample_file}: {n} names, {len(sample_nouns)} nouns")
    else:
        surnames, given, nouns = load_juman(args.juman)
        rng = random.Random(args.seed)
        n = args.sample
        pairs = [(rng.choice(surnames), rng.choice(given)) for _ in range(n)]
        sample_nouns = rng.sample(nouns, min(n, len(nouns)))
        print(f"JUMAN: {len(surnames)} surnames, {len(given)} given names, {len(nouns)} nouns; "
              f"sample {n}, seed {args.seed}")
    honorifics = ["様", "さん", "氏", "先生", "殿"]
    rows = []
    layouts = {
        "field": ("f.txt", [f"氏名：{s} {g}" for s, g in pairs], 1),
        "column": ("c.csv", ["番号,氏名,備考"] + [f"{i},{s} {g},なし" for i, (s, g) in
                                                 enumerate(pairs)], 1),
        "column_ns": ("c.csv", ["番号,氏名,備考"] + [f"{i},{s}{g},なし" for i, (s, g) in
                                                    enumerate(pairs)], 1),
        "prose_sp": ("p.txt", [f"本日、{s} {g}{honorifics[i % 5]}から電話がありました。"
                               for i, (s, g) in enumerate(pairs)], 1),
        "prose": ("p.txt", [f"本日、{s}{g}{honorifics[i % 5]}から電話がありました。"
                            for i, (s, g) in enumerate(pairs)], 1),
    }
    for layout, (fname, lines, first) in layouts.items():
        header = 1 if fname.endswith(".csv") else 0
        want = [None] * header + [s + g for s, g in pairs]
        hits, partial, _, conf = measure(args.doccheck, fname, lines, want, first)
        rows.append((layout, hits / n, partial / n, sum(conf) / max(1, len(conf))))
    for layout, lines in (("noun_field", [f"氏名：{w}" for w in sample_nouns]),
                          ("noun_col", ["番号,氏名,備考"] + [f"{i},{w},なし" for i, w in
                                                         enumerate(sample_nouns)])):
        header = 1 if layout == "noun_col" else 0
        want = [None] * len(lines)
        _, _, false, _ = measure(args.doccheck, "n.csv" if header else "n.txt", lines, want)
        rows.append((layout, None, false / len(sample_nouns), None))
    print(f"{'layout':<11} {'recall':>7} {'partial':>8} {'mean conf':>9}   (noun rows: false rate)")
    failed = []
    for layout, rec, part, conf in rows:
        if rec is None:
            print(f"{layout:<11} {'':>7} {part:>8.3f}")
            if args.max_noun is not None and part > args.max_noun:
                failed.append(f"{layout} false rate {part:.3f} > {args.max_noun}")
        else:
            print(f"{layout:<11} {rec:>7.3f} {part:>8.3f} {conf:>9.2f}")
            limit = args.min_prose if layout.startswith("prose") else args.min_field
            if limit is not None and rec < limit:
                failed.append(f"{layout} recall {rec:.3f} < {limit}")
    for f in failed:
        print("FAIL:", f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
