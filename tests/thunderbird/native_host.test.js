// The native messaging host (agent/tools/sendguard_native_host.cc) against the real
// agent: the add-on's message (logic.buildMessage) is checked, a blocked one cannot be
// confirmed, and a confirmation made from the add-on's message is honoured by the relay
// for the mail a client really sends (swaks with the corpus message; smtp-sink upstream),
// so both sides compute the same binding. Needs SENDGUARD_AGENT, SENDGUARD_NATIVE_HOST and
// SENDGUARD_CORPUS_DIR (set by ctest).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const net = require("node:net");
const path = require("node:path");
const { spawn, spawnSync } = require("node:child_process");
const L = require(path.join(__dirname, "../../thunderbird/logic.js"));

const AGENT = process.env.SENDGUARD_AGENT;
const HOST = process.env.SENDGUARD_NATIVE_HOST;
const MAIL = path.join(process.env.SENDGUARD_CORPUS_DIR || "", "mail");

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(fn, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (fn()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

// One native-messaging exchange with the host.
function host(stateDir, request) {
  const json = Buffer.from(JSON.stringify(request), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const r = spawnSync(HOST, ["/path/to/manifest.json", "sendguard@sendguard"], {
    input: Buffer.concat([len, json]),
    env: { ...process.env, SENDGUARD_AGENT_STATE_DIR: stateDir },
    timeout: 60000,
  });
  const out = r.stdout;
  assert.ok(out.length >= 4, "host wrote nothing: " + r.stderr);
  const n = out.readUInt32LE(0);
  assert.equal(out.length, 4 + n);
  return JSON.parse(out.subarray(4).toString("utf8"));
}

// The base64 attachment `name` of a corpus message.
function attachment(eml, name) {
  const text = fs.readFileSync(path.join(MAIL, eml), "latin1");
  const at = text.indexOf('filename="' + name + '"');
  const blank = /\r?\n\r?\n/g;
  blank.lastIndex = at;
  const start = blank.exec(text).index;
  const end = text.indexOf("\n--", start + 2);
  return new Uint8Array(Buffer.from(text.slice(start, end).replace(/\s+/g, ""), "base64"));
}

test("native host: check, confirm, and the relay honours it once", { skip: !AGENT || !HOST }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg_native_host_"));
  const procs = [];
  t.after(() => {
    for (const p of procs) p.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  });
  fs.mkdirSync(path.join(dir, "sink"));
  const sinkPort = await freePort();
  procs.push(spawn("/usr/sbin/smtp-sink", ["-u", "root", "-d", path.join(dir, "sink", "%M."), "127.0.0.1:" + sinkPort, "20"], { stdio: "ignore" }));
  const smtpPort = await freePort();
  const state = path.join(dir, "state");
  procs.push(
    spawn(AGENT, ["--listen", "127.0.0.1:" + smtpPort, "--upstream", "127.0.0.1:" + sinkPort, "--policy", path.join(MAIL, "policy.json"),
      "--state-dir", state, "--prompt-timeout", "2"], { stdio: "ignore" }),
  );
  assert.ok(await waitFor(() => fs.existsSync(path.join(state, "control.port"))), "agent did not start");

  // No agent behind an empty state dir: the add-on is told so.
  const none = host(path.join(dir, "nothing"), { op: "check", message: "Subject: x\r\n\r\nx" });
  assert.equal(none.ok, false);
  assert.equal(none.error, "agent_unreachable");
  assert.match(none.message, /エージェント/);

  // My Number attachment to an outside address: block, and it cannot be confirmed.
  const blocked = L.buildMessage(
    { from: "yoshida-t@city.honjo.lg.jp", to: ["Taro Kimura <t.kimura@pref.example.lg.jp>"], subject: "申請書の送付" },
    [{ name: "shinsei.docx", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes: attachment("p11_mynumber_docx_external.eml", "shinsei.docx") }],
  );
  const check = host(state, { op: "check", message: blocked });
  assert.equal(check.ok, true, JSON.stringify(check));
  assert.equal(check.result.verdict, "block");
  const att = check.result.attachments.find((a) => a.path === "shinsei.docx");
  assert.ok(att.kind_counts.my_number >= 1, JSON.stringify(att));
  assert.ok(att.findings.length <= 10);
  assert.ok(!JSON.stringify(check).includes("373964017574"), "masked only");
  const refused = host(state, { op: "confirm", message: blocked });
  assert.equal(refused.ok, false);
  assert.equal(refused.error, "blocked");

  // The class 1 spreadsheet: prompt; confirmed from the add-on's own message...
  const prompt = L.buildMessage(
    { from: "yoshida-t@city.honjo.lg.jp", to: ['"Aya Yamada" <a.yamada@example.ne.jp>'], subject: "名簿の送付", body: "各位" },
    [{ name: "meibo.xlsx", type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes: attachment("p12_residents_xlsx_external.eml", "meibo.xlsx") }],
  );
  const pc = host(state, { op: "check", message: prompt });
  assert.equal(pc.result.verdict, "prompt");
  const confirmed = host(state, { op: "confirm", message: prompt });
  assert.equal(confirmed.ok, true, JSON.stringify(confirmed));
  assert.equal(confirmed.result.header, "X-Sendguard-Confirmed");
  // ...honoured for the real client's encoding of that mail (ISO-2022-JP subject, other
  // MIME layout, other body), once.
  const swaks = (v) =>
    spawnSync("swaks", ["--server", "127.0.0.1:" + smtpPort, "--from", "yoshida-t@city.honjo.lg.jp", "--to", "a.yamada@example.ne.jp",
      "--data", path.join(MAIL, "p12_residents_xlsx_external.eml"), "--add-header", "X-Sendguard-Confirmed: " + v], { encoding: "utf8" });
  const first = swaks(confirmed.result.value);
  assert.match(first.stdout, /<- {2}250 2\.0\.0 Ok/, first.stdout + first.stderr);
  const delivered = fs.readdirSync(path.join(dir, "sink"));
  assert.equal(delivered.length, 1);
  assert.ok(!fs.readFileSync(path.join(dir, "sink", delivered[0]), "utf8").includes("X-Sendguard-Confirmed"));
  const again = swaks(confirmed.result.value); // nobody answers the prompt: 550 after 2 s
  assert.match(again.stdout, /<\*\* 550/, again.stdout);
  assert.equal(fs.readdirSync(path.join(dir, "sink")).length, 1);
});
