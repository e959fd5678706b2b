// selfcheck.js: the applicant's self-check page (/): the form from the loaded policy's schema (GET /v1/schema),
// the decision of POST /v1/decide?explain=1, and the explanation on request.
"use strict";

const page = {
  fields: document.getElementById("fields"),
  form: document.getElementById("record-form"),
  result: document.getElementById("result"),
  error: document.getElementById("record-error"),
  recordId: document.getElementById("record-id"),
  explainBox: document.getElementById("explain-box"),
  explain: document.getElementById("explain"),
  wantExplain: document.getElementById("want-explain"),
  toggleExplain: document.getElementById("toggle-explain"),
  parts: {
    status: document.getElementById("status"),
    table: document.getElementById("decision-table"),
    findings: document.getElementById("findings"),
    none: document.getElementById("no-findings")
  }
};
let schema = null;

async function getJSON(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(path + "：HTTP " + r.status);
  return r.json();
}

async function loadPolicy() {
  const [info, s] = await Promise.all([getJSON("/v1/policy"), getJSON("/v1/schema")]);
  schema = s;
  document.getElementById("policy-line").textContent =
    "当前政策：" + info.name + "（版本 " + info.version + "，摘要 " + String(info.digest).slice(0, 12) + "）";
  polBuildForm(page.fields, schema);
  document.body.dataset.ready = "1";
}

function showExplain(on) {
  page.explainBox.classList.toggle("hidden", !on);
  page.toggleExplain.textContent = on ? "隐藏判定过程" : "显示判定过程";
  page.wantExplain.checked = on;
}

function clearResult() {
  page.parts.table.textContent = "";
  page.parts.findings.textContent = "";
  page.parts.status.textContent = "";
  page.parts.status.className = "status";
  page.parts.status.dataset.value = "";
  page.parts.none.classList.add("hidden");
  page.explain.textContent = "";
}

async function check(event) {
  event.preventDefault();
  const record = polReadForm(page.fields);
  page.result.classList.remove("hidden");
  page.error.classList.add("hidden");
  clearResult();
  page.recordId.textContent = record.id ? "（" + record.id + "）" : "";
  try {
    const response = await fetch("/v1/decide?explain=1", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(record)
    });
    const body = await response.json();
    if (!response.ok) {
      page.error.textContent = "无法判定：" + (body.error || response.statusText);
      page.error.classList.remove("hidden");
      page.toggleExplain.classList.add("hidden");
      page.explainBox.classList.add("hidden");
    } else {
      polShowDecision(body.decision, page.parts);
      page.explain.textContent = (body.explain || []).map(e => e.text).join("\n");
      page.toggleExplain.classList.remove("hidden");
      showExplain(page.wantExplain.checked);
    }
  } catch (e) {
    page.error.textContent = "无法连接判定服务：" + e.message;
    page.error.classList.remove("hidden");
  }
  page.result.dataset.done = String(Number(page.result.dataset.done || 0) + 1);
  page.result.scrollIntoView({ behavior: "instant", block: "start" });
}

page.form.addEventListener("submit", check);
page.wantExplain.addEventListener("change", () => {
  if (page.explain.textContent) showExplain(page.wantExplain.checked);
});
page.toggleExplain.addEventListener("click", () => showExplain(page.explainBox.classList.contains("hidden")));
loadPolicy().catch(e => { document.getElementById("policy-line").textContent = "读取政策失败：" + e.message; });
