#!/bin/sh
# Generates the inputs of bench/extract_bench and of the whole-process comparisons in
# docs/PERFORMANCE.md ("doccheck containers"): a 200-page PDF (and the same document as
# DOCX), a 50,000-row XLSX, and a ~100 MB ZIP of mixed documents. Needs LibreOffice
# (libreoffice-writer-nogui, libreoffice-calc-nogui) and python3. Big files are written
# to OUT (default /tmp/sendguard-bench) and never committed. All data is made up.
#   bench/make_container_inputs.sh [OUT]
set -eu
out=${1:-/tmp/sendguard-bench}
here=$(cd "$(dirname "$0")" && pwd)
corpus=${SENDGUARD_CORPUS_DIR:-$here/../../shared/corpus}
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work"  # private LibreOffice profile

/usr/bin/python3 - "$work" <<'PY'
import random, sys
work = sys.argv[1]
rng = random.Random(20261122)
sei = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤", "見本"]
mei = ["太郎", "花子", "一郎", "陽菜", "誠", "恵子", "翔太", "由美子"]
def phone(): return "0%d0-%04d-%04d" % (rng.choice([7, 8, 9]), rng.randrange(10000), rng.randrange(10000))
def mynumber():
    d = [rng.randrange(10) for _ in range(11)]
    w = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    r = sum(a * b for a, b in zip(d, w)) % 11
    return "".join(map(str, d)) + str(0 if r <= 1 else 11 - r)
prose = ("令和8年度の事業計画について、関係課と協議のうえ取りまとめた。"
         "窓口の混雑状況を踏まえ、受付手順を見直すこととした。")
# 200 pages: each page a heading, prose and a 20-row table, then a page break.
ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
      'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"')
with open(f"{work}/big.fodt", "w") as f:
    f.write(f'<?xml version="1.0" encoding="UTF-8"?><office:document {ns} office:version="1.3" '
            'office:mimetype="application/vnd.oasis.opendocument.text"><office:automatic-styles>'
            '<style:style style:name="PB" style:family="paragraph"><style:paragraph-properties '
            'fo:break-before="page"/></style:style></office:automatic-styles><office:body><office:text>')
    for page in range(200):
        f.write(f'<text:p text:style-name="PB">名簿 第{page + 1}頁</text:p><text:p>{prose}</text:p>')
        f.write('<table:table><table:table-column table:number-columns-repeated="3"/>')
        for _ in range(20):
            f.write("<table:table-row>")
            for v in (rng.choice(sei) + " " + rng.choice(mei), phone(), mynumber()):
                f.write(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>')
            f.write("</table:table-row>")
        f.write("</table:table>")
    f.write("</office:text></office:body></office:document>")
with open(f"{work}/rows.csv", "w", encoding="utf-8") as f:
    f.write("No,氏名,電話番号,個人番号,住所\n")
    for i in range(50000):
        f.write(f"{i + 1},{rng.choice(sei)} {rng.choice(mei)},{phone()},{mynumber()},"
                f"埼玉県本庄市本庄{rng.randrange(1, 9)}丁目{rng.randrange(1, 30)}番{rng.randrange(1, 30)}号\n")
PY

soffice --headless --convert-to pdf --outdir "$work" "$work/big.fodt" >/dev/null 2>&1
soffice --headless --convert-to docx --outdir "$work" "$work/big.fodt" >/dev/null 2>&1
soffice --headless --infilter=CSV:44,34,76,1 --convert-to xlsx --outdir "$work" "$work/rows.csv" >/dev/null 2>&1
mv "$work/big.pdf" "$out/pages200.pdf"
mv "$work/big.docx" "$out/pages200.docx"
mv "$work/rows.xlsx" "$out/rows50k.xlsx"

# A ZIP of about 100 MB (10^8 bytes, under doccheck's default 100 MiB file limit): copies
# of the documents above and of the public corpus.
/usr/bin/python3 - "$out" "$corpus/docs" <<'PY'
import os, random, sys, zipfile
out, corpus = sys.argv[1], sys.argv[2]
rng = random.Random(7)
docs = [os.path.join(corpus, n) for n in sorted(os.listdir(corpus))
        if n.endswith((".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".pdf", ".csv", ".txt"))
        and not n.startswith(("17_", "18_"))]
big = [os.path.join(out, n) for n in ("pages200.pdf", "pages200.docx", "rows50k.xlsx")]
with zipfile.ZipFile(os.path.join(out, "mixed100mb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    i = 0
    while True:
        z.fp.flush()
        if os.path.getsize(os.path.join(out, "mixed100mb.zip")) > 100 * 10**6 - 3 * 2**20:
            break
        src = big[i % 3] if i % 10 == 0 else rng.choice(docs)
        z.write(src, f"dir{i % 17}/{i:05d}_{os.path.basename(src)}")
        i += 1
PY
ls -la "$out"
