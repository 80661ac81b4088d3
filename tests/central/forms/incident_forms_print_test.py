#!/usr/bin/python3
"""The incident forms printed by a real browser (Debian's chromium, through chromedriver).

Renders every form of `sendguard-central form list` with synthetic case data (and
misato-1 once empty, as staff print it to fill in by hand) with `form render`, prints each
page to PDF with Chromium's own print-to-PDF (DevTools Page.printToPDF, the same code as
`chromium --headless --print-to-pdf`, in one browser instead of one per file), and checks
the PDF with pdftotext and pdfinfo: A4, the exact title, the values, one page for a single
form and one page per 続報 for 様式第2号, HTML in the data printed as text and never run.
Keeps under ARTIFACTS_DIR, per form: the HTML, the PDF, a PNG of each printed page
(pdftoppm) and a browser screenshot (the page as the console shows it).

usage: incident_forms_print_test.py CENTRAL_BINARY ARTIFACTS_DIR
"""
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

CENTRAL, ARTIFACTS = sys.argv[1], sys.argv[2]
XSS = '<script>document.title="pwned"</script><img src=x onerror="document.title=\'pwned\'">'

# Synthetic case (no real person). Every key of every form has a value here.
DATA = {
    "case_id": "INC-2026-0042",
    "fields": {
        "reported_on": "2026-12-02",
        "reporter_section": "税務課",
        "reporter_title": "主査",
        "reporter_name": "山田 花子",
        "incident_title": "固定資産税納税通知書の誤送付",
        "occurred_at": "2026-12-01T05:10:00Z",  # 14時10分 in Asia/Tokyo
        "discovered_at": "2026-12-01 16:30",
        "place": "税務課（庁舎2階）",
        "incident_kind": "漏えい",
        "medium": "電子メール",
        "summary": "納税通知書の写し（PDF）を添付した電子メールを、宛先を誤って町外の事業者1社に"
                   "送信した。\n送信先から連絡があり発覚した。",
        "info_items": "氏名、住所、課税標準額、税額",
        "persons": "12人",
        "discovery": "送信先の事業者から電話で連絡があった。",
        "cause": "宛先の自動補完で似た名前の宛先を選んだ。",
        "response": "送信先に削除を依頼し、削除した旨の回答を得た。",
        "secondary_damage": "現時点で確認されていない。",
        "victim_response": "対象者12人に電話で説明し謝罪した。",
        "agencies": "県市町村課へ電話で報告した。",
        "publication": "町ホームページで公表する予定。",
        "prevention": "外部宛てメールの送信前確認を全課に導入する。",
        "next_steps": "対象者への文書による通知。",
        "progress": "送信先の削除を確認した。",
        "first_report_on": "2026-12-02",
        "handler_name": "山田 花子",
        "handler_phone": "内線 1234",
        "subject_name": "会津 太郎",
        "subject_address": "会津美里町字試験1番地",
        "request_on": "2026-11-30",
        "disclosed_to": "第三者（氏名不詳）",
        "disclosed_by": "調査中",
        "measures": "開示記録の確認、関係職員への聞き取り。",
        "remarks": XSS,
    },
    "entries": [
        {"report_number": "2", "reported_on": "2026-12-03", "progress": "送信先の削除を確認した。"},
        {"report_number": "3", "reported_on": "2026-12-05", "progress": "全員への説明を終えた。"},
    ],
}


def run(*args, **kw):
    r = subprocess.run(list(args), capture_output=True, timeout=120, **kw)
    assert r.returncode == 0, f"{args}: {r.stderr.decode(errors='replace')}"
    return r.stdout


def squash(text):
    """pdftotext text without the spaces and line breaks layout puts in."""
    return re.sub(r"\s+", "", text)


def main():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    os.makedirs(ARTIFACTS)
    forms = json.loads(run(CENTRAL, "form", "list", "--json"))
    assert [f["id"] for f in forms] == ["misato-1", "misato-2", "misato-3", "misato-4",
                                        "honjo-28", "honjo-1"], forms
    data_path = os.path.join(ARTIFACTS, "synthetic-case.json")
    with open(data_path, "w", encoding="utf-8") as f:
        json.dump(DATA, f, ensure_ascii=False, indent=1)

    jobs = [(f, data_path, f["id"]) for f in forms]
    jobs.append((forms[0], None, "misato-1-blank"))
    for form, data, name in jobs:
        args = [CENTRAL, "form", "render", "--form", form["id"]]
        if data:
            args += ["--data", data]
        with open(os.path.join(ARTIFACTS, name + ".html"), "wb") as out:
            out.write(run(*args))

    with tempfile.TemporaryDirectory() as work:
        opts = webdriver.ChromeOptions()
        opts.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--disable-dev-shm-usage", "--lang=ja",
                     "--hide-scrollbars", f"--user-data-dir={work}/chrome-profile"):
            opts.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
        try:
            driver.set_window_size(880, 1200)
            driver.set_page_load_timeout(60)
            for form, data, name in jobs:
                check(driver, form, data is not None, name)
        finally:
            driver.quit()
    print(f"incident forms print test: OK, {len(jobs)} forms printed to {ARTIFACTS}")


def check(driver, form, filled, name):
    base = os.path.join(ARTIFACTS, name)
    driver.get("file://" + base + ".html")
    # The data's HTML is text: nothing ran, no element came from it.
    assert driver.title.startswith(form["number"]), driver.title
    assert "pwned" not in driver.title
    assert not driver.find_elements(By.TAG_NAME, "script")
    assert not driver.find_elements(By.TAG_NAME, "img")
    driver.save_screenshot(base + "-screen.png")
    pdf = driver.execute_cdp_cmd("Page.printToPDF",
                                 {"preferCSSPageSize": True, "printBackground": True})
    with open(base + ".pdf", "wb") as f:
        f.write(base64.b64decode(pdf["data"]))
    run("pdftoppm", "-r", "90", "-png", base + ".pdf", base + "-page")

    info = run("pdfinfo", base + ".pdf").decode()
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert re.search(r"^Page size:\s+59[45]\.\d+ x 84[12]\.\d+ pts \(A4\)", info, re.M), info
    text = run("pdftotext", base + ".pdf", "-").decode()
    flat = squash(text)
    assert form["title"] in text or form["title"] in flat, (name, form["title"], text)
    assert squash(form["number"]) in flat, (name, text)
    if form["repeated_entries"] and filled:
        assert pages == len(DATA["entries"]), (name, pages)
        for e in DATA["entries"]:
            assert f"第{e['report_number']}報" in flat, (name, text)
            assert squash(e["progress"]) in flat, (name, text)
        assert "令和8年12月3日" in flat and "令和8年12月5日" in flat, (name, text)
    else:
        assert pages == 1, (name, pages)
    if not filled:
        assert "令和年月日" in flat, (name, text)  # the date line left to write by hand
        assert "山田" not in flat
        return
    assert "山田花子" in flat and "税務課" in flat, (name, text)
    assert "INC-2026-0042" in flat, (name, text)
    if not form["repeated_entries"]:
        assert "令和8年12月2日" in flat, (name, text)
    keys = {f["key"] for f in form["fields"]}
    if "occurred_at" in keys:
        assert "令和8年12月1日14時10分" in flat, (name, text)  # UTC shown in Asia/Tokyo
    if "remarks" in keys:
        assert "<script>" in flat and "onerror" in flat, (name, text)  # printed as text
    for key in ("incident_title", "summary", "subject_name", "measures"):
        if key in keys:
            # The first words: pdftotext may put the row's label between wrapped lines.
            assert squash(DATA["fields"][key])[:16] in flat, (name, key, text)
    if "incident_kind" in keys:
        assert "■漏えい" in flat and "□滅失" in flat, (name, text)


if __name__ == "__main__":
    main()
