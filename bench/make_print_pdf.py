#!/usr/bin/python3
"""Writes a PDF of PAGES pages of ordinary text (the same as tests/print/pdf_writer.h),
with a synthetic My Number on page WITH_NUMBER (0: none), for whole-process runs of the
`sendguard` backend:  bench/make_print_pdf.py OUT.pdf PAGES [WITH_NUMBER]"""
import sys

out, count = sys.argv[1], int(sys.argv[2])
with_number = int(sys.argv[3]) if len(sys.argv) > 3 else 0
objects = ["<< /Type /Catalog /Pages 2 0 R >>",
           "<< /Type /Pages /Kids [%s] /Count %d >>"
           % (" ".join("%d 0 R" % (4 + 2 * i) for i in range(count)), count),
           "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
for p in range(1, count + 1):
    lines = ["Meeting notes, page %d" % p] + \
        ["The committee reviewed the road maintenance schedule and the library hours."] * 40
    if p == with_number:
        lines.append("Individual Number (My Number): 3739 6401 7574")
    stream = "BT /F1 11 Tf 50 800 Td 14 TL\n" + "".join("(%s) Tj T*\n" % l for l in lines) + "ET"
    objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
                   "<< /F1 3 0 R >> >> /Contents %d 0 R >>" % (5 + 2 * (p - 1)))
    objects.append("<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
data = "%PDF-1.4\n"
offsets = []
for i, o in enumerate(objects):
    offsets.append(len(data))
    data += "%d 0 obj\n%s\nendobj\n" % (i + 1, o)
xref = len(data)
data += "xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
data += "".join("%010d 00000 n \n" % off for off in offsets)
data += "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
open(out, "w", encoding="ascii").write(data)
