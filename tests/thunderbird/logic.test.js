// Unit tests of the add-on's pure logic (thunderbird/logic.js): node --test.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const L = require(path.join(__dirname, "../../thunderbird/logic.js"));

// What the agent answers (mailcheck --json) for an outside multi-To mail with a
// look-alike domain and a class 1 spreadsheet.
const PROMPT = {
  verdict: "prompt",
  reasons: [
    { code: "bcc_conversion", verdict: "convert", message: "moved", message_ja: "宛先が互いに見えないよう全員を Bcc に移しました。" },
    { code: "lookalike_domain", verdict: "prompt", message: "lookalike", message_ja: "宛先 n.yamada@city.honjo.lg.jp.example.net は庁外のアドレスです。" },
    { code: "class1", verdict: "prompt", message: "class1", message_ja: "添付ファイル meibo.xlsx は重要度分類 1 に当たります。" },
  ],
  bcc_conversion: { applied: true, moved: ["kato-m@city.honjo.lg.jp", "n.yamada@city.honjo.lg.jp.example.net"], to_header: "undisclosed-recipients:;" },
  recipients: [
    { address: "kato-m@city.honjo.lg.jp", name: "Mayumi Kato", field: "to", external: false, lookalike: false, envelope: true },
    { address: "n.yamada@city.honjo.lg.jp.example.net", name: "Naoki Yamada", field: "to", external: true, lookalike: true, envelope: true },
    { address: "a@example.co.jp", name: "", field: "cc", external: true, lookalike: false, envelope: true },
  ],
  attachments: [
    {
      path: "meibo.xlsx", format: "xlsx", class: 1,
      findings: [{ kind: "person_name", value: "高＊＊" }, { kind: "phone", value: "080******84" }],
      kind_counts: { person_name: 20, phone: 10 },
    },
  ],
};

test("addresses are taken from display forms, lower-cased, once", () => {
  assert.equal(L.addressOf('"Yamada, Aya" <A.Yamada@Example.ne.jp>'), "a.yamada@example.ne.jp");
  assert.equal(L.addressOf("b@example.jp"), "b@example.jp");
  assert.equal(L.addressOf("no address here"), "");
  assert.deepEqual(L.addressesOf(["a@x.jp", "A <a@x.jp>", "b@y.jp"]), ["a@x.jp", "b@y.jp"]);
});

test("recipients are grouped internal first, by domain, look-alike marked", () => {
  const m = L.dialogModel(PROMPT);
  assert.deepEqual(m.groups.map((g) => [g.domain, g.external, g.lookalike]), [
    ["city.honjo.lg.jp", false, false],
    ["city.honjo.lg.jp.example.net", true, true],
    ["example.co.jp", true, false],
  ]);
  assert.match(m.groups[0].title, /^庁内/);
  assert.match(m.groups[1].title, /なりすまし/);
  assert.equal(m.groups[2].recipients[0].fieldJa, "Cc");
});

test("the BCC conversion is explained before it happens and needs a tick", () => {
  const m = L.dialogModel(PROMPT);
  assert.equal(m.conversion.applied, true);
  assert.match(m.conversion.text, /To の宛先 2 件はすべて Bcc に移され/);
  assert.match(m.conversion.text, /undisclosed-recipients/);
  assert.match(m.conversion.why, /互いに見えない/);
  assert.deepEqual(m.items.map((i) => i.id), ["bcc_conversion", "reason_1_lookalike_domain", "reason_2_class1"]);
});

test("attachments show class, kind counts and masked samples", () => {
  const [a] = L.dialogModel(PROMPT).attachments;
  assert.equal(a.name, "meibo.xlsx");
  assert.match(a.classJa, /重要度分類 1/);
  assert.deepEqual(a.kinds.map((k) => [k.label, k.count]), [["氏名", 20], ["電話番号", 10]]);
  assert.deepEqual(a.samples, ["氏名: 高＊＊", "電話番号: 080******84"]);
});

test("send is enabled only when every item is ticked", () => {
  const m = L.dialogModel(PROMPT);
  assert.equal(L.sendEnabled(m, {}), false);
  assert.equal(L.sendEnabled(m, { bcc_conversion: true, reason_1_lookalike_domain: true }), false);
  const all = Object.fromEntries(m.items.map((i) => [i.id, true]));
  assert.equal(L.sendEnabled(m, all), true);
  all.reason_2_class1 = false;
  assert.equal(L.sendEnabled(m, all), false);
});

test("a blocked mail has no send, the reason and what to do instead", () => {
  const m = L.dialogModel({
    verdict: "block",
    reasons: [{ code: "my_number", verdict: "block", message: "x", message_ja: "添付ファイル a.docx に個人番号が含まれています。" }],
    recipients: [{ address: "t@pref.example.lg.jp", field: "to", external: true }],
    attachments: [{ path: "a.docx", class: 1, findings: [{ kind: "my_number", value: "3739 **** 7574" }] }],
  });
  assert.equal(m.show, true);
  assert.equal(m.canSend, false);
  assert.deepEqual(m.items, []);
  assert.equal(L.sendEnabled(m, {}), false);
  assert.match(m.blockReasons[0], /個人番号/);
  assert.match(m.whatToDo, /差し替え/);
  assert.deepEqual(m.attachments[0].kinds, [{ kind: "my_number", label: "個人番号 (マイナンバー)", count: 1 }]);
});

test("a plain internal mail needs no dialog", () => {
  const m = L.dialogModel({ verdict: "allow", reasons: [], recipients: [{ address: "a@city.honjo.lg.jp", external: false }] });
  assert.equal(m.show, false);
  assert.equal(L.sendEnabled(m, {}), true);
});

test("without the agent the dialog says so and cannot send", () => {
  const m = L.unavailableModel("ENOENT");
  assert.equal(m.show, true);
  assert.equal(m.canSend, false);
  assert.match(m.whatToDo, /接続できない/);
});

test("the message for the agent carries recipients, encoded subject and attachments", () => {
  const bytes = new TextEncoder().encode("氏名,電話\n");
  const m = L.buildMessage(
    { from: "Yoshida <yoshida-t@city.honjo.lg.jp>", to: ["A <a@x.jp>", "b@y.jp"], cc: [], bcc: ["c@z.jp"], subject: "名簿の送付について", body: "本文" },
    [{ name: "名簿.csv", type: "text/csv", bytes }],
  );
  assert.match(m, /\r\nTo: a@x.jp,\r\n b@y.jp\r\n/);
  assert.match(m, /\r\nBcc: c@z.jp\r\n/);
  assert.doesNotMatch(m, /\r\nCc:/);
  assert.match(m, /\r\nSubject: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=/);
  assert.match(m, /filename\*=UTF-8''%E5%90%8D%E7%B0%BF\.csv/);
  assert.ok(m.includes(Buffer.from(bytes).toString("base64")));
  assert.ok(m.trimEnd().endsWith("--"));
  // Subject words decode back to the subject.
  const words = [...m.matchAll(/=\?UTF-8\?B\?([^?]+)\?=/g)].map((x) => Buffer.from(x[1], "base64").toString("utf8"));
  assert.equal(words.join(""), "名簿の送付について");
});
