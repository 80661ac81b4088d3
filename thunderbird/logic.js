// sendguard add-on: the pure logic of the confirmation dialog (no browser APIs), shared by
// the background script, the dialog page and the node unit tests (tests/thunderbird/).
//
// buildMessage(): the RFC 5322 message the agent's /v1/check and /v1/confirmations read.
// dialogModel(): what the dialog shows and which items need a tick, from the agent's
// mailcheck --json document (CONTRACTS.md §4) as the native host returns it.
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.SendguardLogic = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Kind names of doccheck (report.cc) in Japanese, as mailcheck's reason_text.cc has them.
  const KIND_JA = {
    my_number: "個人番号 (マイナンバー)",
    corporate_number: "法人番号",
    drivers_license: "運転免許証番号",
    passport: "旅券番号",
    residence_card: "在留カード番号",
    pension_number: "基礎年金番号",
    health_insurance: "健康保険の被保険者番号",
    bank_account: "口座番号",
    credit_card: "クレジットカード番号",
    phone: "電話番号",
    email: "メールアドレス",
    postal_code: "郵便番号",
    address: "住所",
    birth_date: "生年月日",
    person_name: "氏名",
    classification_label: "秘密区分の表示",
  };

  // Art. 10 classes (重要度分類) of the policy's information classification.
  const CLASS_JA = {
    1: "重要度分類 1 (個人情報・極秘)",
    2: "重要度分類 2 (秘・公開しない情報)",
    3: "重要度分類 3",
    4: "重要度分類 4",
  };

  // "Name <a@B.jp>", "a@b.jp", "<a@b.jp>" -> "a@b.jp" (lower case); "" when none.
  function addressOf(text) {
    const s = String(text || "").trim();
    const angle = s.match(/<([^<>\s]+@[^<>\s]+)>\s*$/);
    const addr = angle ? angle[1] : /^[^\s<>"]+@[^\s<>"]+$/.test(s) ? s : "";
    return addr.toLowerCase();
  }

  // Compose details' to/cc/bcc entries are strings (or {id,type} contacts resolved by the
  // caller): the distinct addresses of each field.
  function addressesOf(list) {
    const out = [];
    for (const entry of list || []) {
      const a = addressOf(entry);
      if (a && !out.includes(a)) out.push(a);
    }
    return out;
  }

  function isAscii(s) {
    return /^[\x20-\x7e]*$/.test(s);
  }

  function utf8Base64(text) {
    const bytes = new TextEncoder().encode(text);
    return bytesBase64(bytes);
  }

  function bytesBase64(bytes) {
    let bin = "";
    const chunk = 0x8000;
    for (let i = 0; i < bytes.length; i += chunk) {
      bin += String.fromCharCode.apply(null, bytes.subarray(i, i + chunk));
    }
    return btoa(bin);
  }

  function wrap76(b64) {
    return b64.replace(/.{1,76}/g, "$&\r\n");
  }

  // RFC 2047 for a header text (UTF-8, base64 words short enough for 78-column lines).
  function encodeWord(text) {
    if (isAscii(text)) return text;
    const words = [];
    let current = "";
    for (const ch of text) {
      if (new TextEncoder().encode(current + ch).length > 42) {
        words.push(current);
        current = "";
      }
      current += ch;
    }
    if (current) words.push(current);
    return words.map((w) => "=?UTF-8?B?" + utf8Base64(w) + "?=").join("\r\n ");
  }

  // RFC 2231 filename parameter.
  function filenameParam(name) {
    if (isAscii(name) && !/["\\]/.test(name)) return 'filename="' + name + '"';
    const enc = Array.from(new TextEncoder().encode(name))
      .map((b) => {
        const c = String.fromCharCode(b);
        return /[A-Za-z0-9.\-_~]/.test(c) ? c : "%" + b.toString(16).toUpperCase().padStart(2, "0");
      })
      .join("");
    return "filename*=UTF-8''" + enc;
  }

  // details: {from, to, cc, bcc, subject, body}; attachments: [{name, type, bytes
  // (Uint8Array)}]. The message carries exactly what the relay will see that matters
  // for the decision: recipients, subject, each attachment's bytes and name.
  function buildMessage(details, attachments) {
    const crlf = "\r\n";
    const boundary = "----=_sendguard_addon_" + Math.random().toString(36).slice(2);
    const h = [];
    if (details.from) h.push("From: " + details.from.replace(/[\r\n]/g, " "));
    const field = (name, list) => {
      const a = addressesOf(list);
      if (a.length) h.push(name + ": " + a.join(",\r\n "));
    };
    field("To", details.to);
    field("Cc", details.cc);
    field("Bcc", details.bcc);
    h.push("Subject: " + encodeWord(String(details.subject || "").replace(/[\r\n]+/g, " ")));
    h.push("MIME-Version: 1.0");
    h.push('Content-Type: multipart/mixed; boundary="' + boundary + '"');
    let m = h.join(crlf) + crlf + crlf;
    m += "--" + boundary + crlf;
    m += "Content-Type: text/plain; charset=UTF-8" + crlf;
    m += "Content-Transfer-Encoding: base64" + crlf + crlf;
    m += wrap76(utf8Base64(String(details.body || "")));
    for (const a of attachments || []) {
      m += "--" + boundary + crlf;
      m += "Content-Type: " + (a.type || "application/octet-stream") + crlf;
      m += "Content-Transfer-Encoding: base64" + crlf;
      m += "Content-Disposition: attachment; " + filenameParam(a.name) + crlf + crlf;
      m += wrap76(bytesBase64(a.bytes));
    }
    m += "--" + boundary + "--" + crlf;
    return m;
  }

  function domainOf(address) {
    const at = address.lastIndexOf("@");
    return at < 0 ? "" : address.slice(at + 1);
  }

  const FIELD_JA = { to: "宛先 (To)", cc: "Cc", bcc: "Bcc" };

  // The dialog, from the agent's decision. Returns
  //   {verdict, show, groups, conversion, attachments, items, blockReasons, canSend}
  // `items` are what the user must tick, one per risky thing; `show` is false when
  // nothing needs the user (allow with no reasons).
  function dialogModel(decision) {
    const d = decision || {};
    const verdict = d.verdict || "allow";
    const reasons = d.reasons || [];
    const recipients = d.recipients || [];

    const byDomain = new Map();
    for (const r of recipients) {
      const domain = domainOf(r.address || "");
      if (!byDomain.has(domain)) {
        byDomain.set(domain, { domain, external: !!r.external, lookalike: false, recipients: [] });
      }
      const g = byDomain.get(domain);
      g.external = g.external || !!r.external;
      g.lookalike = g.lookalike || !!r.lookalike;
      g.recipients.push({
        address: r.address,
        name: r.name || "",
        field: r.field || "to",
        fieldJa: FIELD_JA[r.field] || r.field,
        lookalike: !!r.lookalike,
      });
    }
    const groups = Array.from(byDomain.values()).sort(
      (a, b) => Number(a.external) - Number(b.external) || a.domain.localeCompare(b.domain),
    );
    for (const g of groups) {
      g.title = g.lookalike
        ? "庁外 (なりすましの疑い): " + g.domain
        : (g.external ? "庁外: " : "庁内: ") + g.domain;
    }

    const conv = d.bcc_conversion || {};
    const convReason = reasons.find((r) => r.code === "bcc_conversion");
    const conversion = conv.applied
      ? {
          applied: true,
          moved: conv.moved || [],
          toHeader: conv.to_header || "",
          text:
            "送信すると、To の宛先 " +
            (conv.moved || []).length +
            " 件はすべて Bcc に移され、To は「" +
            (conv.to_header || "undisclosed-recipients:;") +
            "」になります。",
          why: convReason ? convReason.message_ja || convReason.message : "",
        }
      : { applied: false, moved: [], toHeader: "", text: "", why: "" };

    const attachments = (d.attachments || []).map((a) => {
      const counts = a.kind_counts || countKinds(a);
      const kinds = Object.keys(counts)
        .filter((k) => counts[k] > 0)
        .map((k) => ({ kind: k, label: KIND_JA[k] || k, count: counts[k] }));
      const samples = (a.findings || [])
        .slice(0, 5)
        .map((f) => (KIND_JA[f.kind] || f.kind) + ": " + f.value);
      return {
        name: a.path,
        klass: a.class || 0,
        classJa: CLASS_JA[a.class] || "分類なし",
        kinds,
        samples,
        unscanned: a.format === "unknown" || (a.errors && a.errors.length > 0),
      };
    });

    const items = [];
    if (conversion.applied) {
      items.push({ id: "bcc_conversion", text: "To の宛先が Bcc に移されることを確認しました。" });
    }
    reasons.forEach((r, i) => {
      if (r.verdict === "prompt") {
        items.push({ id: "reason_" + i + "_" + r.code, text: r.message_ja || r.message });
      }
    });
    const blockReasons = reasons
      .filter((r) => r.verdict === "block")
      .map((r) => r.message_ja || r.message);
    const blocked = verdict === "block";
    return {
      verdict,
      show: blocked || items.length > 0,
      groups,
      conversion,
      attachments,
      items: blocked ? [] : items,
      blockReasons,
      whatToDo: blocked
        ? "このまま送ることはできません。問題の添付ファイルを外すか、個人番号などを削除した" +
          "ものに差し替えてください。どうしても送る必要がある場合は、個人情報保護責任者に" +
          "相談し、定められた方法 (暗号化した媒体の手渡しなど) で送ってください。"
        : "",
      canSend: !blocked,
    };
  }

  function countKinds(report) {
    const counts = {};
    const walk = (r) => {
      for (const f of r.findings || []) counts[f.kind] = (counts[f.kind] || 0) + 1;
      for (const c of r.children || []) walk(c);
    };
    walk(report);
    return counts;
  }

  // Send is enabled only when every item is ticked (and the verdict is not block).
  function sendEnabled(model, ticked) {
    if (!model.canSend) return false;
    return model.items.every((it) => ticked && ticked[it.id] === true);
  }

  // The dialog text when the agent cannot be asked.
  function unavailableModel(error) {
    return {
      verdict: "unavailable",
      show: true,
      groups: [],
      conversion: { applied: false },
      attachments: [],
      items: [],
      blockReasons: [],
      whatToDo:
        "sendguard エージェントに接続できないため、このメールを確認できません。" +
        "送信は取り消します。エージェントが動いているか確かめてから、もう一度送信してください。",
      detail: error || "",
      canSend: false,
    };
  }

  return {
    KIND_JA,
    CLASS_JA,
    addressOf,
    addressesOf,
    encodeWord,
    filenameParam,
    buildMessage,
    dialogModel,
    sendEnabled,
    unavailableModel,
  };
});
