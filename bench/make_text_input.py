#!/usr/bin/env python3
"""Writes SIZE_MB (10^6 bytes) of mixed Japanese/ASCII text with sparse (synthetic) personal data:
minutes, notices and logs with dates, amounts and order numbers, and about one line in
500 carrying a My Number, phone, address or birth date. Deterministic (fixed seed).

usage: make_text_input.py OUT [SIZE_MB]
"""
import random
import sys


def my_number(rng):
    d = [rng.randrange(10) for _ in range(11)]
    w = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    r = sum(a * b for a, b in zip(d, w)) % 11
    return "".join(map(str, d)) + str(0 if r <= 1 else 11 - r)


PROSE = [
    "令和8年度の予算編成方針について、各課の要求額を取りまとめた。",
    "The committee reviewed the network upgrade schedule and agreed on phase 2.",
    "市民課窓口の混雑状況を踏まえ、番号札の運用を見直すこととした。",
    "議事録：出席者12名、欠席者2名。次回は2026年12月15日に開催する。",
    "Server log: request id 4829 completed in 35 ms, status 200, bytes 10240.",
    "道路補修工事の契約金額は 12,345,000円（税込）である。",
    "本件に関する問い合わせは総務課までお願いします。",
    "注文番号 202611420973 の納品を確認した。検収日 2026/10/16。",
    "Backup job finished at 02:15; 1,024 files copied, 0 errors.",
    "防災訓練は10月17日午前9時から市民体育館で実施する。",
]


def personal(rng):
    k = rng.randrange(4)
    if k == 0:
        return f"個人番号：{my_number(rng)}"
    if k == 1:
        return f"連絡先：090-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    if k == 2:
        return f"住所：埼玉県本庄市銀座{rng.randrange(1, 9)}丁目{rng.randrange(1, 30)}番{rng.randrange(1, 30)}号"
    return f"生年月日：昭和{rng.randrange(20, 63)}年{rng.randrange(1, 12)}月{rng.randrange(1, 28)}日"


def main():
    out = sys.argv[1]
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    rng = random.Random(20261122)
    target = size * 1000 * 1000  # decimal MB: 100 MB stays under the 100 MiB file limit
    written = 0
    with open(out, "w", encoding="utf-8") as f:
        while written < target:
            lines = []
            for _ in range(1000):
                lines.append(personal(rng) if rng.randrange(500) == 0 else PROSE[rng.randrange(len(PROSE))])
            chunk = "\n".join(lines) + "\n"
            f.write(chunk)
            written += len(chunk.encode("utf-8"))


if __name__ == "__main__":
    main()
