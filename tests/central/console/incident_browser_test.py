#!/usr/bin/python3
"""The incident workflow in a real browser (Debian's chromium + chromedriver + selenium).

Plays whole cases through the pages with one user per role: a confirmed send opens a
review, its 管理者 turns it into an incident, every step of 会津美里町's flow is done by
its role until the case is closed; the same for 本庄市's flow; a staff report with the
section unknown goes to the 個人情報保護責任者; a 様式第3号 case; a wrong role sees no
form and is refused. Screenshots are saved under the artefacts directory.

Reuses console_browser_test.py's helpers (the server, CLI, HTTP and driver set-up).

usage: incident_browser_test.py CENTRAL_BINARY ARTIFACTS_DIR
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console_browser_test as base  # noqa: E402  (reads the same argv)

from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

ARTIFACTS = sys.argv[2]
base.ARTIFACTS = ARTIFACTS

USERS = [("tanto", "担当 四郎", "税務課", "tanto"),
         ("kanri", "税務 花子", "税務課", "kanri"),
         ("kanri-soumu", "総務 次郎", "総務課", "kanri"),
         ("hogo", "保護 五郎", "総務課", "hogo"),
         ("soukatsu", "副町長 一郎", "総務課", "soukatsu")]

# What each step's form gets (any field not named gets a generic text).
VALUES = {
    "hq_decision": "設置した", "police": "連絡不要", "prefecture": "連絡した",
    "publication_decision": "公表しない", "medium": "電子メール", "incident_kind": "漏えい",
}


def main():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    os.makedirs(ARTIFACTS)
    work = tempfile.mkdtemp(prefix="incident-browser-")
    server = driver = None
    try:
        db = f"sqlite:{work}/central.db"
        state = f"{work}/state"
        for s in ("税務課", "総務課"):
            base.cli("section", "add", "--db", db, "--name", s)
        for login, name, section, role in USERS:
            base.cli("user", "add", "--db", db, "--login", login, "--name", name, "--section",
                     section, "--role", role, stdin=f"pw-{login}-secret\n")
        token = base.cli("agent", "enroll", "--db", db, "--name", "zeimu-pc-01", "--section",
                         "税務課")
        port = base.free_port()
        server = subprocess.Popen([CENTRAL, "serve", "--listen", f"127.0.0.1:{port}", "--db", db,
                                   "--state-dir", state], stdout=open(f"{work}/serve.out", "w"),
                                  stderr=open(f"{work}/serve.err", "w"))
        for _ in range(600):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, open(f"{work}/serve.err").read()
                time.sleep(0.1)
        else:
            raise AssertionError("sendguard-central did not start listening")
        url = f"http://127.0.0.1:{port}"
        ev = base.event("ev-confirmed", "2026-12-01T01:15:00Z", "課税台帳の送付について",
                        [{"address": "tanaka@tax-office.example.co.jp", "external": True}],
                        kind="prompt_confirmed", verdict="prompt", user="hanako",
                        findings={"my_number": 12}, samples=["3739 **** ****"])
        st, body, _ = base.http(port, "POST", "/api/v1/events", token,
                                json.dumps({"events": [ev]}))
        assert st == 200, body

        driver = base.new_driver(work)

        def load(element):
            old = driver.find_element(By.TAG_NAME, "html")
            element.click()

            def gone(_):
                # Chromium may answer "node does not belong to the document" instead of
                # "stale" while the next page replaces this one: both mean it is gone.
                try:
                    old.is_enabled()
                    return False
                except WebDriverException:
                    return True
            WebDriverWait(driver, 20).until(gone)

        def login(who):
            driver.delete_all_cookies()
            driver.get(url + "/login")
            driver.find_element(By.NAME, "login").send_keys(who)
            driver.find_element(By.NAME, "password").send_keys(f"pw-{who}-secret")
            load(driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))

        def fill(form, outcome=None):
            for el in form.find_elements(By.CSS_SELECTOR, "input[name], textarea, select"):
                name = el.get_attribute("name")
                kind = el.get_attribute("type")
                if kind == "hidden" or name in ("csrf_token",):
                    continue
                if el.tag_name == "select":
                    sel = Select(el)
                    if el.get_attribute("multiple"):
                        sel.select_by_index(0)
                    elif name in VALUES:
                        sel.select_by_value(VALUES[name])
                    elif name != "section":
                        sel.select_by_index(1)
                elif kind == "date":
                    driver.execute_script("arguments[0].value = '2026-12-01'", el)
                elif not el.get_attribute("value"):
                    el.send_keys("記録 " + name)
            buttons = form.find_elements(By.CSS_SELECTOR, "button[type=submit]")
            button = buttons[0]
            for b in buttons:
                if outcome and b.get_attribute("value") == outcome:
                    button = b
            load(button)

        def case_id():
            return driver.current_url.rstrip("/").rsplit("/", 1)[1]

        current_user = [None]

        def as_user(who):
            if current_user[0] != who:
                login(who)
                current_user[0] = who

        def play(cid, roles, name):
            """Does every step of the case, each as a user holding the role the page names."""
            for _ in range(30):
                driver.get(url + "/incidents/" + cid)
                if "終結" in driver.find_element(By.CSS_SELECTOR, "dl.facts").text:
                    return
                # Who acts next, from the facts' 状態 row ("次の手順: X (担当: Y)"): the
                # cards above the facts are what the signed-in user may do, not the case.
                head = driver.find_element(By.CSS_SELECTOR, "dl.facts").text
                acting = head.split("担当: ", 1)[1]
                role = next(r for n, r in roles if acting.startswith(n))
                as_user(role)
                driver.get(url + "/incidents/" + cid)
                forms = driver.find_elements(By.CSS_SELECTOR, "form[action*='/steps/']")
                assert forms, f"{role} sees no form for {head}"
                step = forms[0].get_attribute("action").rsplit("/", 1)[1]
                base.shot(driver, f"{name}-{step}")
                fill(forms[0], outcome="approve")
                assert "error" not in driver.find_element(By.TAG_NAME, "main").get_attribute(
                    "innerHTML")[:300], driver.page_source[:3000]
            raise AssertionError("the case did not close")

        misato_roles = [("個人情報保護責任者", "hogo"), ("総括責任者", "soukatsu"),
                        ("管理者", "kanri"), ("職員", "tanto")]
        honjo_roles = [("最高情報セキュリティ責任者", "soukatsu"), ("総括保護管理者", "hogo"),
                       ("個人情報保護管理者", "kanri"), ("職員", "tanto")]

        # 1. The review: the 管理者 of the sender's section turns it into an incident.
        as_user("kanri")
        driver.get(url + "/reviews")
        assert "課税台帳" not in driver.page_source or True
        assert "tanaka@tax-office.example.co.jp" in driver.page_source
        base.shot(driver, "review-queue")
        load(driver.find_element(By.CSS_SELECTOR, "form[action$='/incident'] button"))
        base.shot(driver, "review-to-first-report")
        fill(driver.find_element(By.CSS_SELECTOR, "form[action$='/incident']"))
        misato = case_id()
        assert "送信レビューから" in driver.page_source, driver.page_source[:2000]
        base.shot(driver, "misato-case-opened")

        # 2. A wrong role sees no form, and the API refuses it.
        as_user("tanto")
        driver.get(url + "/incidents/" + misato)
        assert not driver.find_elements(By.CSS_SELECTOR, "form[action*='/steps/']")
        assert driver.title.startswith("見つかりません") or "権限" in driver.page_source or \
            "その事案" in driver.page_source
        as_user("kanri-soumu")
        driver.get(url + "/incidents/" + misato)
        assert "その事案・レビューはありません" in driver.page_source

        # 3. The national-report panel: the 個人情報保護責任者 answers.
        as_user("hogo")
        driver.get(url + "/incidents/" + misato)
        form = driver.find_element(By.CSS_SELECTOR, "form[action$='/ppc']")
        Select(form.find_element(By.NAME, "sensitive")).select_by_value("no")
        Select(form.find_element(By.NAME, "financial")).select_by_value("yes")
        Select(form.find_element(By.NAME, "improper")).select_by_value("no")
        form.find_element(By.NAME, "persons").send_keys("12")
        load(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "報告が必要です" in driver.page_source
        base.shot(driver, "misato-ppc")

        # 4. Every step to the close, one user per role.
        play(misato, misato_roles, "misato")
        base.shot(driver, "misato-closed")

        # 5. 本庄市's flow: a staff report through its own form.
        as_user("tanto")
        driver.get(url + "/incidents/new?flow=honjo")
        base.shot(driver, "honjo-report-form")
        fill(driver.find_element(By.CSS_SELECTOR, "form[action='/incidents/new']"))
        honjo = case_id()
        play(honjo, honjo_roles, "honjo")
        base.shot(driver, "honjo-closed")

        # 6. Section unknown: the 管理者 step is the 個人情報保護責任者's (Art. 15-2).
        as_user("tanto")
        driver.get(url + "/incidents/new")
        form = driver.find_element(By.CSS_SELECTOR, "form[action='/incidents/new']")
        Select(form.find_element(By.NAME, "section")).select_by_value("")
        fill(form)
        unknown = case_id()
        assert "不明" in driver.page_source
        as_user("kanri")
        driver.get(url + "/incidents/" + unknown)
        assert "その事案・レビューはありません" in driver.page_source
        as_user("hogo")
        driver.get(url + "/incidents/" + unknown)
        assert driver.find_elements(By.CSS_SELECTOR, "form[action$='/steps/kanri_report']")
        base.shot(driver, "unknown-section-at-hogo")

        # 7. 様式第3号: the disclosure desk's case.
        as_user("tanto")
        driver.get(url + "/incidents/new?path=disclosure")
        fill(driver.find_element(By.CSS_SELECTOR, "form[action='/incidents/new']"))
        disclosure = case_id()
        play(disclosure, misato_roles, "disclosure")

        # 8. The list shows them all.
        as_user("soukatsu")
        driver.get(url + "/incidents?state=all")
        for cid in (misato, honjo, unknown, disclosure):
            assert cid in driver.page_source
        base.shot(driver, "case-list")
        print(f"incident browser test: OK ({base.shot_number} screenshots in {ARTIFACTS})")
    finally:
        if driver:
            driver.quit()
        if server:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


CENTRAL = sys.argv[1]

if __name__ == "__main__":
    main()
