#!/usr/bin/env python3
"""Times the console's event search and dashboard through the real HTTP API.

    console_bench.py PORT LOGIN PASSWORD [REPEATS]

Logs in, then asks each request REPEATS times (after one warm-up) and prints p50/p95 in
milliseconds and the answer's size. Deep pages follow the `next` cursor (keyset pages).
"""
import http.client
import json
import sys
import time
import urllib.parse

port, login, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
repeats = int(sys.argv[4]) if len(sys.argv) > 4 else 20


def request(method, path, body=None, cookie=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Content-Type": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    return r.status, data, r.getheader("Set-Cookie") or ""


st, body, set_cookie = request("POST", "/api/v1/console/login",
                               json.dumps({"login": login, "password": password}))
assert st == 200, body
cookie = set_cookie.split(";")[0]


def timed(name, path):
    request("GET", path, cookie=cookie)  # warm-up
    times, size = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        st, data, _ = request("GET", path, cookie=cookie)
        times.append((time.perf_counter() - t) * 1000)
        assert st == 200, (path, st, data[:200])
        size = len(data)
    times.sort()
    p50 = times[len(times) // 2]
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  {name:<42} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {size / 1024:6.1f} KB")


def deep_cursor(query, pages):
    """The `next` cursor after `pages` pages of 50."""
    path = "/api/v1/console/events?" + query
    cursor = None
    for _ in range(pages):
        p = path + ("&after=" + urllib.parse.quote(cursor) if cursor else "")
        st, data, _ = request("GET", p, cookie=cookie)
        cursor = json.loads(data)["next"]
    return cursor


q = urllib.parse.quote
timed("events, first page (50)", "/api/v1/console/events")
timed("events page (HTML)", "/events")
timed("kind=send_blocked", "/api/v1/console/events?kind=send_blocked")
timed("section=課07", "/api/v1/console/events?section=" + q("課07"))
timed("domain=example.co.jp (parent, ~45%)", "/api/v1/console/events?domain=example.co.jp")
timed("domain=rare.example.org (0.1%)", "/api/v1/console/events?domain=rare.example.org")
timed("domain=nowhere.example (none)", "/api/v1/console/events?domain=nowhere.example")
timed("subject=住民票 (~8%)", "/api/v1/console/events?subject=" + q("住民票"))
timed("subject=固定資産税 通知", "/api/v1/console/events?subject=" + q("固定資産税 通知"))
timed("user=user42", "/api/v1/console/events?user=user42")
timed("domain+subject+section", "/api/v1/console/events?domain=example.com&subject=" +
      q("会議") + "&section=" + q("課03"))
timed("time range (one day, 4 weeks ago)",
      "/api/v1/console/events?from=" + time.strftime("%Y-%m-%d", time.localtime(time.time() - 28 * 86400)) +
      "&to=" + time.strftime("%Y-%m-%d", time.localtime(time.time() - 28 * 86400)))
cursor = deep_cursor("", 200)
if cursor:
    timed("page 201 (keyset cursor)", "/api/v1/console/events?after=" + q(cursor))
cursor = deep_cursor("domain=example.com", 100)
if cursor:
    timed("domain=example.com page 101",
          "/api/v1/console/events?domain=example.com&after=" + q(cursor))
timed("dashboard JSON (8 weeks)", "/api/v1/console/dashboard")
timed("dashboard page / (HTML + SVG)", "/")
