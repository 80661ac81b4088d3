// sendguard add-on, the dialog page: shows the model the background script made and
// sends back "send" or "cancel". Send stays disabled until every item is ticked.
/* global browser, SendguardLogic */
"use strict";

const id = new URLSearchParams(location.search).get("id");

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function answer(a) {
  browser.runtime.sendMessage({ type: "answer", id, answer: a });
}

function render(model) {
  const $ = (x) => document.getElementById(x);
  const blocked = model.verdict === "block" || model.verdict === "unavailable";
  if (model.verdict === "unavailable") {
    $("heading").textContent = "sendguard に接続できません";
    $("lead").textContent = model.whatToDo;
    if (model.detail) $("lead").appendChild(el("div", model.detail, "why"));
  } else if (model.verdict === "block") {
    $("heading").textContent = "このメールは送信できません";
    $("lead").textContent = "送信ポリシーにより、このメールは送れません。";
    $("block").hidden = false;
    for (const r of model.blockReasons) $("block-reasons").appendChild(el("li", r));
    $("what-to-do").textContent = model.whatToDo;
  } else {
    $("lead").textContent = "次の点を確かめて、すべてにチェックしてから送信してください。";
  }
  if (model.groups.length) {
    $("recipients-section").hidden = false;
    for (const g of model.groups) {
      const div = el("div", undefined, "group" + (g.external ? " external" : "") + (g.lookalike ? " lookalike" : ""));
      div.appendChild(el("div", g.title + " (" + g.recipients.length + " 件)", "group-title"));
      const ul = el("ul");
      for (const r of g.recipients) {
        const li = el("li", r.fieldJa + ": " + (r.name ? r.name + " <" + r.address + ">" : r.address));
        if (r.lookalike) li.appendChild(el("span", " — 庁内のドメインに似せた庁外のアドレスです", "why"));
        ul.appendChild(li);
      }
      div.appendChild(ul);
      $("recipients").appendChild(div);
    }
  }
  if (model.conversion && model.conversion.applied) {
    $("conversion-section").hidden = false;
    $("conversion").textContent = model.conversion.text;
    $("conversion-why").textContent = model.conversion.why;
  }
  if (model.attachments.length) {
    $("attachments-section").hidden = false;
    for (const a of model.attachments) {
      const div = el("div", undefined, "attachment");
      div.appendChild(el("div", a.name, "name"));
      div.appendChild(el("div", a.classJa));
      div.appendChild(
        el("div", a.kinds.length ? a.kinds.map((k) => k.label + " " + k.count + " 件").join("、") : "個人情報は見つかりませんでした"),
      );
      if (a.samples.length) div.appendChild(el("div", "例 (伏せ字): " + a.samples.join(" / "), "samples"));
      if (a.unscanned) div.appendChild(el("div", "中身をすべては確かめられませんでした。", "why"));
      $("attachments").appendChild(div);
    }
  }
  const ticked = {};
  const send = $("send");
  if (blocked) {
    send.hidden = true;
    $("cancel").textContent = "閉じて編集に戻る";
    $("cancel").focus();
  } else {
    $("items-section").hidden = model.items.length === 0;
    for (const it of model.items) {
      const label = el("label", undefined, "item");
      const box = el("input");
      box.type = "checkbox";
      box.addEventListener("change", () => {
        ticked[it.id] = box.checked;
        send.disabled = !SendguardLogic.sendEnabled(model, ticked);
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + it.text));
      $("items").appendChild(label);
    }
    send.disabled = !SendguardLogic.sendEnabled(model, ticked);
    const first = document.querySelector("#items input");
    (first || send).focus();
  }
  send.addEventListener("click", () => {
    if (SendguardLogic.sendEnabled(model, ticked)) answer("send");
  });
  $("cancel").addEventListener("click", () => answer("cancel"));
}

browser.runtime.sendMessage({ type: "model", id }).then(render);
