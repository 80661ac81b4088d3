// sendguard add-on, background: asks the agent (through the native messaging host
// "sendguard") about every message on compose.onBeforeSend and, when something needs the
// user, shows the dialog and waits for the answer. Never sends unguarded: without an
// answer from the agent the send is cancelled.
/* global browser, SendguardLogic */
"use strict";

const L = SendguardLogic;
const HOST = "sendguard";
const pending = new Map(); // dialog id -> {model, resolve, windowId}
let nextId = 1;

async function ask(op, message) {
  try {
    return await browser.runtime.sendNativeMessage(HOST, { op, message });
  } catch (e) {
    return {
      ok: false,
      error: "host_unavailable",
      message: "sendguard の接続プログラムを起動できません。 / " + String(e && e.message ? e.message : e),
    };
  }
}

async function attachmentsOf(tabId) {
  const out = [];
  for (const a of await browser.compose.listAttachments(tabId)) {
    const file = browser.compose.getAttachmentFile
      ? await browser.compose.getAttachmentFile(a.id)
      : await a.getFile();
    out.push({
      name: a.name || file.name,
      type: file.type || "application/octet-stream",
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
  }
  return out;
}

function openDialog(model) {
  const id = String(nextId++);
  return new Promise((resolve) => {
    pending.set(id, { model, resolve, windowId: null });
    browser.windows
      .create({ type: "popup", url: "dialog.html?id=" + id, width: 760, height: 720 })
      .then((w) => {
        const p = pending.get(id);
        if (p) p.windowId = w.id;
      })
      .catch(() => finish(id, "cancel"));
  });
}

function finish(id, answer) {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  p.resolve(answer);
  if (p.windowId !== null) browser.windows.remove(p.windowId).catch(() => {});
}

browser.windows.onRemoved.addListener((windowId) => {
  for (const [id, p] of pending) if (p.windowId === windowId) finish(id, "cancel");
});

browser.runtime.onMessage.addListener((msg) => {
  if (!msg || typeof msg.id !== "string" || !pending.has(msg.id)) return undefined;
  if (msg.type === "model") return Promise.resolve(pending.get(msg.id).model);
  if (msg.type === "answer") finish(msg.id, msg.answer === "send" ? "send" : "cancel");
  return undefined;
});

browser.compose.onBeforeSend.addListener(async (tab, details) => {
  let message;
  try {
    message = L.buildMessage(
      {
        from: details.from,
        to: details.to,
        cc: details.cc,
        bcc: details.bcc,
        subject: details.subject,
        body: details.plainTextBody || "",
      },
      await attachmentsOf(tab.id),
    );
  } catch (e) {
    await openDialog(L.unavailableModel(String(e)));
    return { cancel: true };
  }
  const checked = await ask("check", message);
  const model = checked.ok ? L.dialogModel(checked.result) : L.unavailableModel(checked.message);
  if (!model.show) return {};
  const answer = await openDialog(model);
  if (answer !== "send" || !model.canSend) return { cancel: true };
  if (model.verdict === "prompt") {
    // The agent signs a one-time header so the proxy does not ask a second time. Without
    // it the mail still goes; the proxy then asks as usual.
    const confirmed = await ask("confirm", message);
    if (confirmed.ok && confirmed.result && confirmed.result.header) {
      const headers = (details.customHeaders || []).filter(
        (h) => h.name.toLowerCase() !== confirmed.result.header.toLowerCase(),
      );
      headers.push({ name: confirmed.result.header, value: confirmed.result.value });
      return { details: { customHeaders: headers } };
    }
  }
  return {};
});
