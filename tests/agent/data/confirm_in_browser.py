"""Answers a prompt on the agent's confirmation page the way a person does, in Chromium.

usage: confirm_in_browser.py ONE_TIME_LINK SCREENSHOT_DIR DECISION(send|cancel)

Opens the one-time link (which sets the session cookie and moves on to /confirm), checks
that the page is styled (its CSS loaded under the CSP) and that 「送信を取り消す」 has the
focus, saves screenshots, presses the button for DECISION and waits for the page to say
what happened. Prints "OK ..." on success; anything else is a failure.
"""
import os
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def wait_for(predicate, what, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        try:
            if predicate():
                return
        except Exception:  # the page may be reloading (it refreshes itself)
            pass
        time.sleep(0.1)
    raise SystemExit("timed out waiting for " + what)


def main():
    link, shots, decision = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(shots, exist_ok=True)
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1000,1300",
                "--user-data-dir=" + tempfile.mkdtemp(prefix="sg-chromium-")):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(link)
        wait_for(lambda: driver.current_url.endswith("/confirm")
                 and driver.find_elements(By.CSS_SELECTOR, "button.cancel"),
                 "the confirmation page with a prompt")
        cancel = driver.find_element(By.CSS_SELECTOR, "button.cancel")
        background = cancel.value_of_css_property("background-color")
        if background in ("rgba(0, 0, 0, 0)", "rgb(239, 239, 239)", "rgba(239, 239, 239, 1)"):
            raise SystemExit("the style sheet did not apply: " + background)
        focused = driver.execute_script("return document.activeElement.className")
        if focused != "cancel":
            raise SystemExit("the focused element is '%s', not the cancel button" % focused)
        driver.save_screenshot(os.path.join(shots, "confirm_page.png"))
        button = "button.send" if decision == "send" else "button.cancel"
        driver.find_element(By.CSS_SELECTOR, button).click()
        expected = "「送信する」が選ばれました" if decision == "send" else "取り消されました"
        wait_for(lambda: expected in driver.find_element(By.TAG_NAME, "body").text,
                 "the page to say what happened")
        driver.save_screenshot(os.path.join(shots, "confirm_page_after.png"))
        # The link was good once: a second visit is refused.
        driver.delete_all_cookies()
        driver.get(link)
        body = driver.find_element(By.TAG_NAME, "body").text
        if "使用済み" not in body:
            raise SystemExit("the one-time link worked twice: " + body[:200])
        print("OK", decision, background)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
