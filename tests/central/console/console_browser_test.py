#!/usr/bin/python3
"""The web console in a real browser (Debian's chromium + chromedriver + selenium).

Starts the real sendguard-central on a free loopback port with a fresh SQLite database,
makes sections, users and agents with the CLI, has agents send events, then logs in as
each role and does that role's work end to end, is refused what the role may not do,
and saves a screenshot of every page under the artefacts directory.

usage: console_browser_test.py CENTRAL_BINARY ARTIFACTS_DIR
"""
import csv
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoAlertPresentException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

CENTRAL, ARTIFACTS = sys.argv[1], sys.argv[2]
PASSWORDS = {
    "admin": "admin-secret-1",
    "zeimu-kanri": "kanri-secret-1",
    "soumu-kanri": "kanri-secret-2",
    "kansa": "kansa-secret-1",
    "tanto": "tanto-secret-1",
    "hogo": "hogo-secret-1",
}
shot_number = 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(*args, stdin=None):
    r = subprocess.run([CENTRAL, *args], input=stdin, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, f"{args}: {r.stderr}"
    return r.stdout.strip()


def http(port, method, path, token=None, body=None, cookie=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                 data=body.encode() if body is not None else None)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if cookie:
        req.add_header("Cookie", cookie)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as res:
            return res.status, res.read(), dict(res.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read(), dict(e.headers)


def event(eid, time_, subject, recipients, **extra):
    e = {"id": eid, "kind": extra.pop("kind", "send_blocked"), "time": time_,
         "subject": subject, "recipients": recipients, "verdict": "block", "policy_version": 1}
    e.update(extra)
    return e


def shot(driver, name):
    global shot_number
    shot_number += 1
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1280, max(800, min(int(height) + 40, 4000)))
    path = os.path.join(ARTIFACTS, f"{shot_number:02d}-{name}.png")
    driver.save_screenshot(path)
    driver.set_window_size(1280, 800)


def new_driver(work):
    """Headless Debian chromium through chromedriver, Japanese, 1280x800."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage", "--lang=ja",
                 f"--user-data-dir={work}/chrome-profile"):
        opts.add_argument(flag)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "ja"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    driver.set_window_size(1280, 800)
    driver.set_page_load_timeout(30)
    return driver


def no_alert(driver):
    try:
        driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def page_left(old):
    """Whether `old` (the previous page's <html>) is gone. Chromium 156 sometimes answers a
    look at a node of an unloaded page with "Node with given id does not belong to the
    document" instead of a stale-element error: that is gone too."""
    try:
        old.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e):
            return True
        raise


def main():
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    os.makedirs(ARTIFACTS)
    work = tempfile.mkdtemp(prefix="console-browser-")
    server = None
    driver = None
    try:
        db = f"sqlite:{work}/central.db"
        state = f"{work}/state"
        cli("section", "add", "--db", db, "--name", "税務課")
        cli("section", "add", "--db", db, "--name", "総務課")
        users = [("admin", "情報 太郎", "総務課", "sysadmin"),
                 ("zeimu-kanri", "税務 花子", "税務課", "kanri"),
                 ("soumu-kanri", "総務 次郎", "総務課", "kanri"),
                 ("kansa", "監査 三郎", "総務課", "kansa"),
                 ("tanto", "担当 四郎", "税務課", "tanto"),
                 ("hogo", "保護 五郎", "総務課", "hogo")]
        for login, name, section, role in users:
            cli("user", "add", "--db", db, "--login", login, "--name", name, "--section", section,
                "--role", role, stdin=PASSWORDS[login] + "\n")
        zeimu = cli("agent", "enroll", "--db", db, "--name", "zeimu-pc-01", "--section", "税務課")
        soumu = cli("agent", "enroll", "--db", db, "--name", "soumu-pc-01", "--section", "総務課")
        cli("agent", "enroll", "--db", db, "--name", "old-pc-09", "--section", "総務課")
        with open(f"{work}/policy.json", "w") as f:
            f.write('{\n  "version": 1,\n  "organization": "会津美里町",\n'
                    '  "internal_domains": ["town.aizumisato.lg.jp"]\n}\n')
        cli("policy", "push", "--db", db, "--state-dir", state, f"{work}/policy.json")

        port = free_port()
        server = subprocess.Popen([CENTRAL, "serve", "--listen", f"127.0.0.1:{port}", "--db", db,
                                   "--state-dir", state], stdout=open(f"{work}/serve.out", "w"),
                                  stderr=open(f"{work}/serve.err", "w"))
        for _ in range(600):  # a loaded machine may take a while; 60 s at most
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, open(f"{work}/serve.err").read()
                time.sleep(0.1)
        else:
            raise AssertionError("sendguard-central did not start listening")
        base = f"http://127.0.0.1:{port}"

        zeimu_events = [
            event("ev-z1", "2026-11-30T01:15:00Z", "課税台帳の送付について",
                  [{"address": "tanaka@tax-office.example.co.jp", "external": True},
                   {"address": "suzuki@town.aizumisato.lg.jp", "external": False}],
                  user="hanako", host="ZEIMU-PC-01", sender="hanako@town.aizumisato.lg.jp",
                  reasons=["my_number"], reply="550",
                  attachments=[{"name": "課税台帳_令和8年度.xlsx", "class": 1,
                                "findings": {"my_number": 12, "person_name": 30},
                                "fully_checked": True}],
                  findings={"my_number": 12, "person_name": 30},
                  samples=["3739 **** ****"]),
            event("ev-z2", "2026-11-30T03:40:00Z", "研修の案内",
                  [{"address": "a@example.com", "external": True},
                   {"address": "b@example.net", "external": True}],
                  kind="bcc_converted", verdict="convert", reasons=["bcc_conversion"], user="hanako"),
            event("ev-xss", "2026-11-30T04:00:00Z", "<script>alert('xss')</script>",
                  [{"address": "x@evil.example.co.jp", "external": True}], user="<b>bold</b>",
                  attachments=[{"name": "\"><img src=x onerror=alert(1)>.docx", "class": 2,
                                "findings": {}, "fully_checked": False}]),
        ]
        soumu_events = [event("ev-s1", "2026-11-30T02:00:00Z", "会議資料",
                              [{"address": "c@partner.example.co.jp", "external": True}],
                              user="jiro", kind="send_prompted", verdict="prompt",
                              reasons=["class1"])]
        for token, evs in ((zeimu, zeimu_events), (soumu, soumu_events)):
            st, body, _ = http(port, "POST", "/api/v1/events", token, json.dumps({"events": evs}))
            assert st == 200, body
        st, _, _ = http(port, "POST", "/api/v1/heartbeat", zeimu,
                        json.dumps({"agent_version": "0.1.0", "policy_version": 1,
                                    "outbox_backlog": 0, "host": "ZEIMU-PC-01", "user": "hanako"}))
        assert st == 200

        driver = new_driver(work)

        def click_and_load(element):
            """Clicks a submit button or link and waits for the next page."""
            old = driver.find_element(By.TAG_NAME, "html")
            element.click()
            WebDriverWait(driver, 20).until(lambda d: page_left(old))
            WebDriverWait(driver, 20).until(
                lambda d: d.execute_script("return document.readyState") == "complete")

        def login(who, password=None):
            driver.delete_all_cookies()
            driver.get(base + "/login")
            driver.find_element(By.NAME, "login").send_keys(who)
            driver.find_element(By.NAME, "password").send_keys(password or PASSWORDS[who])
            click_and_load(driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))

        def logout():
            click_and_load(driver.find_element(By.CSS_SELECTOR, "header form button"))
            assert driver.current_url.endswith("/login"), driver.current_url

        def body_text():
            return driver.find_element(By.TAG_NAME, "body").text

        def cookie():
            c = driver.get_cookie("sg_session")
            return f"sg_session={c['value']}" if c else ""

        def dashboard(name, must, must_not=()):
            """The dashboard as the logged-in user: its page (screenshot) and its JSON."""
            driver.get(base + "/?to=2026-12-03")
            text = body_text()
            for m in must:
                assert m in text, (m, text)
            for m in must_not:
                assert m not in text, (m, text)
            assert "<script" not in driver.page_source.lower().split("<main>")[1].replace(
                "&lt;script", "")
            assert no_alert(driver)
            driver.execute_script("window.scrollTo(0, 0)")
            shot(driver, name)
            st, body, _ = http(port, "GET", "/api/v1/console/dashboard?to=2026-12-03",
                               cookie=cookie())
            assert st == 200, body
            return json.loads(body)

        # ---- the login page, a wrong password, and session fixation
        driver.get(base + "/login")
        shot(driver, "login")
        driver.add_cookie({"name": "sg_session", "value": "planted-by-attacker", "path": "/"})
        login("admin", "wrong-password")
        assert "正しくありません" in body_text(), driver.page_source[:3000]
        shot(driver, "login-wrong-password")
        driver.get(base + "/login")
        driver.add_cookie({"name": "sg_session", "value": "planted-by-attacker", "path": "/"})
        driver.find_element(By.NAME, "login").send_keys("admin")
        driver.find_element(By.NAME, "password").send_keys(PASSWORDS["admin"])
        click_and_load(driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "planted" not in cookie(), "the session after login is a new one"
        c = driver.get_cookie("sg_session")
        assert c["httpOnly"] and c.get("sameSite") == "Strict", c

        # ---- システム管理者: agents (enrol, revoke), policy (check, publish, history)
        assert "情報 太郎" in body_text()
        shot(driver, "sysadmin-home")
        d = dashboard("sysadmin-dashboard", ["1日以上接続のない端末", "最新ポリシー"])
        assert d["scope"] == "own" and d["agents"]["total"] == 3, d
        driver.get(base + "/agents")
        assert "zeimu-pc-01" in body_text() and "old-pc-09" in body_text()
        shot(driver, "sysadmin-agents")
        driver.find_element(By.CSS_SELECTOR, "form[action='/agents/enroll'] input[name=name]").send_keys("kaikei-pc-02")
        Select(driver.find_element(By.CSS_SELECTOR, "form[action='/agents/enroll'] select[name=section]")).select_by_visible_text("税務課")
        click_and_load(driver.find_element(By.CSS_SELECTOR, "form[action='/agents/enroll'] button"))
        token = driver.find_element(By.ID, "token").text
        assert token.startswith("sga_"), token
        shot(driver, "sysadmin-agent-token-once")
        st, _, _ = http(port, "POST", "/api/v1/heartbeat", token, "{}")
        assert st == 200, "the token shown works for the agent"
        driver.get(base + "/agents")
        row = driver.find_element(By.XPATH, "//tr[td[text()='old-pc-09']]")
        click_and_load(row.find_element(By.CSS_SELECTOR, "button.danger"))
        assert "無効にしました" in body_text()
        shot(driver, "sysadmin-agent-revoked")
        old_token = None  # old-pc-09's token was never kept: revocation is checked in the list
        assert "無効" in driver.find_element(By.XPATH, "//tr[td[text()='old-pc-09']]").text

        driver.get(base + "/policy")
        shot(driver, "sysadmin-policy")
        area = driver.find_element(By.NAME, "text")
        area.clear()
        area.send_keys('{"internal_domains": [], "lookalike_domains": "maybe"}')
        click_and_load(driver.find_element(By.CSS_SELECTOR, "form[action='/policy/check'] button"))
        assert "ドメインを 1 つ以上書いてください" in body_text(), body_text()
        shot(driver, "sysadmin-policy-errors-ja")
        area = driver.find_element(By.NAME, "text")
        area.clear()
        area.send_keys('{\n  "organization": "会津美里町",\n  "internal_domains": '
                       '["town.aizumisato.lg.jp", "aizumisato.lg.jp"]\n}\n')
        click_and_load(driver.find_element(By.CSS_SELECTOR, "form[action='/policy/check'] button"))
        assert "正しい形式です" in body_text()
        assert driver.find_elements(By.CSS_SELECTOR, "pre.diff .add")
        shot(driver, "sysadmin-policy-diff")
        click_and_load(driver.find_element(By.ID, "publish"))
        assert "版 2 を配布しました" in body_text(), body_text()
        shot(driver, "sysadmin-policy-published")
        # An agent fetches version 2, verifies it is signed, and reports it in force.
        st, body, _ = http(port, "GET", "/api/v1/policy", zeimu)
        doc = json.loads(body)
        assert st == 200 and doc["version"] == 2 and doc["signature"], body
        http(port, "POST", "/api/v1/heartbeat", zeimu,
             json.dumps({"agent_version": "0.1.0", "policy_version": 2, "outbox_backlog": 0}))
        driver.get(base + "/agents")
        assert "2" in driver.find_element(By.XPATH, "//tr[td[text()='zeimu-pc-01']]/td[4]").text
        shot(driver, "sysadmin-agents-policy-adopted")
        driver.get(base + "/policy/history")
        assert "admin" in body_text() and "コマンド (CLI)" in body_text()
        shot(driver, "sysadmin-policy-history")
        driver.get(base + "/events")
        assert "権限がありません" in body_text()
        shot(driver, "sysadmin-refused-events")
        logout()

        # ---- 管理者 (税務課): find an event by recipient domain, its detail, CSV
        login("zeimu-kanri")
        shot(driver, "kanri-home")
        d = dashboard("kanri-dashboard", ["税務課 (あなたの所属)", "ヒヤリハットの件数", "BCC 変換の件数"],
                      ["soumu-pc-01"])
        assert d["scope"] == "section" and d["section"] == "税務課", d
        assert {s["section"] for s in d["near_misses"] + d["conversions"]} <= {"税務課"}, d
        assert sum(s["total"] for s in d["conversions"]) == 1, d
        assert [t["key"] for t in d["tiles"]] == ["open_reviews", "overdue_incident_steps"], d
        driver.get(base + "/events")
        assert "ev-s1" not in driver.page_source and "会議資料" not in body_text()
        shot(driver, "kanri-events")
        driver.find_element(By.NAME, "domain").send_keys("example.co.jp")
        click_and_load(driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
        text = body_text()
        assert "課税台帳の送付について" in text and "研修の案内" not in text, text
        assert "会議資料" not in text, "another section's event is not shown"
        shot(driver, "kanri-events-by-domain")
        click_and_load(driver.find_element(By.LINK_TEXT, "2026-11-30 10:15:00"))
        text = body_text()
        assert "課税台帳_令和8年度.xlsx" in text and "個人番号 12 件" in text, text
        assert "tax-office.example.co.jp" in text and "2026年11月30日 (令和8年) 10:15" in text
        shot(driver, "kanri-event-detail")
        csv_url = base + "/events.csv?domain=example.co.jp"
        st, body, headers = http(port, "GET", "/events.csv?domain=example.co.jp", cookie=cookie())
        assert st == 200 and body.startswith(b"\xef\xbb\xbf"), body[:20]
        rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
        assert rows[0][0] == "日時" and len(rows) == 3, rows  # header + 2 of 税務課 (incl. xss)
        with open(os.path.join(ARTIFACTS, "kanri-events.csv"), "wb") as f:
            f.write(body)
        del csv_url
        driver.get(base + "/events/ev-s1")
        assert "見つかりません" in body_text()
        shot(driver, "kanri-other-section-not-found")
        driver.get(base + "/agents")
        assert "権限がありません" in body_text()
        driver.get(base + "/policy")
        assert "権限がありません" in body_text()
        shot(driver, "kanri-refused-policy")

        # ---- XSS: what an agent sent is shown as text, nothing runs
        driver.get(base + "/events/ev-xss")
        assert no_alert(driver)
        assert "<script>alert('xss')</script>" in body_text()
        assert "\"><img src=x onerror=alert(1)>.docx" in body_text()
        assert not driver.find_elements(By.CSS_SELECTOR, "main img, main script, main b")
        shot(driver, "kanri-xss-inert")
        logout()

        # ---- lock-out: five wrong passwords for tanto raise an alert
        for _ in range(5):
            login("tanto", "not-the-password")
        login("tanto")
        assert "ロックされています" in body_text()
        shot(driver, "tanto-locked")

        # ---- 監査責任者: access records with filters, CSV, the alert
        login("kansa")
        d = dashboard("kansa-dashboard", ["すべての所属", "1日以上接続のない端末", "soumu-pc-01"])
        assert d["scope"] == "all" and d["agents"]["newest_policy"] >= 1, d
        assert "soumu-pc-01" in [a["name"] for a in d["agents"]["silent"]], d
        driver.get(base + "/access")
        assert "ロックしました" in body_text()
        shot(driver, "kansa-access")
        driver.find_element(By.NAME, "who").send_keys("zeimu-kanri")
        click_and_load(driver.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))
        assert "GET /events/ev-z1" in body_text()
        assert "web:admin" not in body_text()
        shot(driver, "kansa-access-filtered")
        st, body, _ = http(port, "GET", "/access.csv?who=zeimu-kanri", cookie=cookie())
        assert st == 200 and body.startswith(b"\xef\xbb\xbf") and b"GET /events/ev-z1" in body
        driver.get(base + "/events")
        assert "会議資料" in body_text() and "課税台帳" in body_text()
        driver.get(base + "/policy")
        assert not driver.find_elements(By.NAME, "text"), "read-only: no editor"
        shot(driver, "kansa-policy-read-only")
        driver.get(base + "/agents")
        assert not driver.find_elements(By.CSS_SELECTOR, "button.danger")
        logout()

        # ---- 個人情報保護責任者: every section
        login("hogo")
        dashboard("hogo-dashboard", ["すべての所属"])
        driver.get(base + "/events")
        assert "会議資料" in body_text() and "課税台帳" in body_text()
        shot(driver, "hogo-events-all-sections")
        logout()

        # ---- 取扱担当者: nothing but their own reports (none yet)
        driver.delete_all_cookies()
        # the lock-out of tanto lasts 15 minutes: a second staff user shows the page
        cli("user", "add", "--db", db, "--login", "tanto2", "--name", "担当 六郎", "--section",
            "税務課", "--role", "tanto", stdin="tanto-secret-2\n")
        login("tanto2", "tanto-secret-2")
        assert "あなたの報告" in body_text()
        shot(driver, "tanto-home")
        d = dashboard("tanto-dashboard", ["あなた自身の送信・印刷"], ["old-pc-09", "税務課 (あなたの所属)"])
        assert d["scope"] == "own" and "agents" not in d, d
        assert sum(s["total"] for s in d["near_misses"] + d["conversions"]) == 0, d
        driver.get(base + "/events")
        assert "権限がありません" in body_text()
        driver.get(base + "/access")
        assert "権限がありません" in body_text()
        logout()
        print(f"console browser test: OK, {shot_number} screenshots in {ARTIFACTS}")
        del old_token
        return 0
    finally:
        if driver:
            driver.quit()
        if server:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
