#!/usr/bin/python3
"""Writes a resident list as a real XLSX (shared strings, one sheet) of about the given
size, for the agent's attachment benchmark when LibreOffice is not installed.
Synthetic data only: names from common readings, numbers with valid My Number check digits.

usage: make_xlsx.py OUT.xlsx [MEGABYTES] [distinct]

With "distinct", nearly every cell differs from every other (names of two random
surname and given-name kanji each, addresses with random towns and block numbers), so
doccheck's cell cache finds almost nothing to reuse: the worst case for it.
"""
import random
import sys
import zipfile

out = sys.argv[1]
target = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
distinct = len(sys.argv) > 3 and sys.argv[3] == "distinct"
rng = random.Random(7)
sei = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
mei = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "大輔", "由美", "翔", "恵"]
# For "distinct": 30 x 30 surnames and 30 x 30 given names, 810,000 combinations.
sei_kanji = "佐藤鈴木高橋田中伊渡辺山本村小林加吉松井上清水森池"
mei_kanji = "太郎花子一美咲健陽大輔由恵翔真理香直樹和也正明春夏秋冬"
towns = ["本庄", "栄町", "寿町", "緑町", "中央", "旭町", "朝日町", "銀座", "駅南", "北堀"]


def name():
    if distinct:
        return (rng.choice(sei_kanji) + rng.choice(sei_kanji) + " " +
                rng.choice(mei_kanji) + rng.choice(mei_kanji))
    return rng.choice(sei) + " " + rng.choice(mei)


def address():
    if distinct:
        return (f"埼玉県本庄市{rng.choice(towns)}{rng.randrange(1, 10)}丁目"
                f"{rng.randrange(1, 100)}番{rng.randrange(1, 100)}号")
    return f"埼玉県本庄市本庄{rng.randrange(1, 9)}丁目{rng.randrange(1, 30)}番{rng.randrange(1, 30)}号"


def mynumber():
    d = [rng.randrange(10) for _ in range(11)]
    s = sum(d[10 - i] * ((i + 2) if i < 6 else (i - 4)) for i in range(11))
    r = s % 11
    return "".join(map(str, d)) + str(0 if r <= 1 else 11 - r)


def phone():
    return f"0495-{rng.randrange(10, 99)}-{rng.randrange(1000, 9999)}"


strings, index = [], {}


def sid(text):
    if text not in index:
        index[text] = len(strings)
        strings.append(text)
    return index[text]


header = ["No", "氏名", "電話番号", "個人番号", "住所"]
rows = [[("s", sid(h)) for h in header]]
approx = 0
n = 0
while approx < target * 1_000_000 * 3.6:  # deflate gets about 3.6:1 on these rows
    n += 1
    cells = [("n", n), ("s", sid(name())), ("s", sid(phone())), ("s", sid(mynumber())),
             ("s", sid(address()))]
    rows.append(cells)
    approx += 150


def col(i):
    return "ABCDE"[i]


with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
               '<Default Extension="xml" ContentType="application/xml"/>'
               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
               '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
               '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
               '</Types>')
    z.writestr("_rels/.rels",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
               '</Relationships>')
    z.writestr("xl/workbook.xml",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
               '<sheets><sheet name="名簿" sheetId="1" r:id="rId1"/></sheets></workbook>')
    z.writestr("xl/_rels/workbook.xml.rels",
               '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
               '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               '</Relationships>')
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    for r, cells in enumerate(rows, 1):
        parts.append(f'<row r="{r}">')
        for c, (t, v) in enumerate(cells):
            ref = f"{col(c)}{r}"
            parts.append(f'<c r="{ref}" t="s"><v>{v}</v></c>' if t == "s" else f'<c r="{ref}"><v>{v}</v></c>')
        parts.append("</row>")
    parts.append("</sheetData></worksheet>")
    z.writestr("xl/worksheets/sheet1.xml", "".join(parts))
    sst = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
           f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">']
    sst += [f"<si><t>{s}</t></si>" for s in strings]
    sst.append("</sst>")
    z.writestr("xl/sharedStrings.xml", "".join(sst))
print(f"{out}: {n} rows")
