// Checks the packed add-on: manifest.json at the root, valid, with the id the policies and
// the native host manifest name, and every script/page it refers to inside the .xpi.
"use strict";
const { execFileSync } = require("node:child_process");
const xpi = process.argv[2];
const list = execFileSync("unzip", ["-Z1", xpi], { encoding: "utf8" }).split("\n").filter(Boolean);
const manifest = JSON.parse(execFileSync("unzip", ["-p", xpi, "manifest.json"], { encoding: "utf8" }));
const fail = (m) => {
  console.error("check_xpi: " + m);
  process.exit(1);
};
if (manifest.browser_specific_settings.gecko.id !== "sendguard@sendguard") fail("wrong add-on id");
if (!manifest.permissions.includes("nativeMessaging")) fail("nativeMessaging permission missing");
const html = execFileSync("unzip", ["-p", xpi, "dialog.html"], { encoding: "utf8" });
const named = [...manifest.background.scripts, "dialog.html", ...[...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])];
for (const f of named) if (!list.includes(f)) fail(f + " is not in " + xpi);
console.log("check_xpi: ok: " + list.join(" "));
