#!/usr/bin/env python3
"""Scores `doccheck --json --reveal` against a corpus manifest the way the acceptance
check does (shared/corpus/README.md): every expected finding found, no must_not or
unexpected finding, class, error code and exit status. Prints one line per problem and a
closing 'N passed, N failed' line; exits 1 when anything failed.

usage: score_corpus.py DOCCHECK_BINARY CORPUS_DOCS_DIR [FILE...]
"""
import json
import subprocess
import sys
import unicodedata


def norm_text(s):
    return unicodedata.normalize("NFKC", s).replace(" ", "").replace("\u3000", "")


def matches(kind, want, got):
    if kind in ("address", "person_name"):
        a, b = norm_text(want), norm_text(got)
        short, long_ = sorted((a, b), key=len)
        return bool(short) and short in long_ and len(short) * 3 >= len(long_)
    return want == got


def collect(node, out):
    for f in node.get("findings", []):
        out.append(f)
    for c in node.get("children", []):
        collect(c, out)


def errors_of(node, out):
    for e in node.get("errors", []):
        out.append(e["code"])
    for c in node.get("children", []):
        errors_of(c, out)


def score(binary, docs, entry):
    problems = []
    proc = subprocess.run([binary, "--json", "--reveal", f"{docs}/{entry['file']}"],
                          capture_output=True, timeout=300)
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        return [f"output is not JSON (exit {proc.returncode}): {proc.stderr[:200]!r}"]
    top = doc["files"][0]
    found = []
    collect(top, found)
    unused = list(found)
    for exp in entry["expect"]:
        hit = next((f for f in unused if f["kind"] == exp["kind"] and
                    matches(exp["kind"], exp["normalized"], f.get("normalized", ""))), None)
        if hit is None:
            problems.append(f"missing {exp['kind']} {exp['normalized']}")
        else:
            unused.remove(hit)
    allowed = entry["expect"] + entry.get("may", [])
    for f in unused:
        if any(m["kind"] == f["kind"] and matches(f["kind"], m["normalized"], f.get("normalized", ""))
               for m in entry.get("must_not", [])):
            problems.append(f"must_not {f['kind']} {f.get('normalized')}")
        elif not any(a["kind"] == f["kind"] and matches(f["kind"], a["normalized"], f.get("normalized", ""))
                     for a in allowed):
            problems.append(f"unexpected {f['kind']} {f.get('normalized')}")
    if entry.get("class") is not None:
        ok = entry.get("class_in") or [entry["class"]]
        if top["class"] not in ok:
            problems.append(f"class {top['class']}, want {ok}")
    codes = []
    errors_of(top, codes)
    want_codes = entry.get("error_in") or ([entry["error"]] if entry.get("error") else [])
    if want_codes and not any(c in want_codes for c in codes):
        problems.append(f"errors {codes}, want one of {want_codes}")
    if not want_codes and codes:
        problems.append(f"unexpected errors {codes}")
    if proc.returncode != entry["exit"]:
        problems.append(f"exit {proc.returncode}, want {entry['exit']}")
    return problems


def main():
    binary, docs = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    manifest = json.load(open(f"{docs}/manifest.json", encoding="utf-8"))
    passed = failed = 0
    for entry in manifest:
        if only and entry["file"] not in only:
            continue
        problems = score(binary, docs, entry)
        if problems:
            failed += 1
            for p in problems:
                print(f"{entry['file']}: {p}")
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
