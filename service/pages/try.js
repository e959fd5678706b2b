// try.js: the officer's playground (/try): compile a pasted or uploaded .pol in the server (POST /v1/try/compile),
// show its diagnostics or its checks, then decide sample records with it (POST /v1/try/decide).
"use strict";

const $ = id => document.getElementById(id);
const LEVELS = { error: "错误", warning: "警告", note: "附注" };
const STATUS = { eligible: "符合申报条件", ineligible: "不符合申报条件", unrouted: "本通知无对应评委会" };
let compiledOnce = false;

async function post(path, body) {
  const r = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  let answer;
  try { answer = await r.json(); } catch (e) { answer = { error: "HTTP " + r.status }; }
  return { status: r.status, body: answer };
}

function cell(tag, text, cls) {
  const e = document.createElement(tag);
  e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

// Select a line of the source, so the officer sees where a diagnostic points.
function selectLine(line) {
  const src = $("source");
  const lines = src.value.split("\n");
  if (line < 1 || line > lines.length) return;
  let start = 0;
  for (let i = 0; i < line - 1; i++) start += lines[i].length + 1;
  src.focus();
  src.setSelectionRange(start, start + lines[line - 1].length);
  const height = src.scrollHeight / Math.max(lines.length, 1);
  src.scrollTop = Math.max(0, (line - 3) * height);
}

function showDiagnostics(result) {
  const list = $("diagnostics");
  list.textContent = "";
  for (const d of result.diagnostics || []) {
    const li = document.createElement("li");
    li.className = d.level;
    li.dataset.level = d.level;
    li.dataset.line = String(d.line);
    li.dataset.column = String(d.column);
    li.appendChild(cell("span", LEVELS[d.level] || d.level, "level " + d.level));
    const where = cell(d.line > 0 ? "a" : "span", d.line > 0 ? "第 " + d.line + " 行第 " + d.column + " 列" : "全文", "where");
    if (d.line > 0) {
      where.href = "#source";
      where.addEventListener("click", e => { e.preventDefault(); selectLine(d.line); });
    }
    li.appendChild(where);
    li.appendChild(cell("span", d.message, "message"));
    list.appendChild(li);
  }
  $("diagnostics-text").textContent = result.text || "";
  $("diagnostics-box").classList.toggle("hidden", !(result.diagnostics || []).length && !result.text);
}

function showPolicy(result) {
  const table = $("policy-info");
  table.textContent = "";
  if (!result.policy) {
    $("policy-box").classList.add("hidden");
    return;
  }
  const p = result.policy;
  const fields = result.schema ? result.schema.fields.map(f => f.name + (f.required ? "*" : "")).join("、") : "";
  const rows = [["名称", p.name], ["版本", p.version], ["摘要（SHA-256）", p.digest], ["编译器", p.compiler_version],
                ["检查提示", result.warnings ? result.warnings + " 条（见上）" : "无"], ["记录字段（* 必填）", fields]];
  for (const [k, v] of rows) {
    const tr = document.createElement("tr");
    tr.append(cell("th", k), cell("td", v));
    table.appendChild(tr);
  }
  $("policy-box").classList.remove("hidden");
}

function summary(id, text, ok) {
  $(id).textContent = text;
  $(id).className = "summary " + (ok ? "good" : "bad");
}

async function compile() {
  const { status, body } = await post("/v1/try/compile", { source: $("source").value, lang: $("lang").value });
  compiledOnce = true;
  if (status !== 200) {
    showDiagnostics({});
    showPolicy({});
    summary("compile-summary", "无法编译：" + (body.error || status), false);
  } else {
    showDiagnostics(body);
    showPolicy(body);
    summary("compile-summary", body.ok ? "编译通过" + (body.warnings ? "，" + body.warnings + " 条检查提示" : "，无检查提示")
                                       : "有 " + body.errors + " 处错误", body.ok);
  }
  $("compile-summary").dataset.ok = String(status === 200 && body.ok === true);
  document.body.dataset.compiled = String(Number(document.body.dataset.compiled || 0) + 1);
}

// One row per output line: the record, its status or its error, its findings.
function showLines(text) {
  const table = $("decision-lines");
  table.textContent = "";
  const head = document.createElement("tr");
  for (const h of ["行", "编号", "结论", "评委会", "意见"]) head.appendChild(cell("th", h));
  table.appendChild(head);
  text.split("\n").filter(l => l).forEach((line, i) => {
    const tr = document.createElement("tr");
    let d;
    try { d = JSON.parse(line); } catch (e) { d = { error: line }; }
    tr.appendChild(cell("td", String(i + 1)));
    tr.appendChild(cell("td", d.id || "—"));
    if (d.error !== undefined) {
      tr.appendChild(cell("td", "无法判定", "bad"));
      const why = cell("td", d.error);
      why.colSpan = 2;
      tr.appendChild(why);
    } else {
      tr.appendChild(cell("td", STATUS[d.status] || (d.status === undefined ? "—" : String(d.status)), d.status || ""));
      tr.appendChild(cell("td", d.committee || "—"));
      tr.appendChild(cell("td", (d.findings || []).map(f => (f.clause || "—") + " " + f.message).join("；") || "—"));
    }
    table.appendChild(tr);
  });
  table.classList.remove("hidden");
}

async function decide() {
  const { status, body } = await post("/v1/try/decide", { source: $("source").value, records: $("records").value,
                                                          lang: $("lang").value });
  const out = $("decisions");
  if (status !== 200) {
    if (body.diagnostics) showDiagnostics(body);
    summary("decide-summary", "无法试算：" + (status === 422 ? "政策有错误，见诊断" : body.error || status), false);
    for (const id of ["decisions", "decisions-title", "decision-lines"]) $(id).classList.add("hidden");
  } else {
    out.textContent = body.lines;
    out.classList.remove("hidden");
    $("decisions-title").classList.remove("hidden");
    showLines(body.lines);
    summary("decide-summary", "共 " + body.count + " 行，判定 " + body.decided + " 行" +
            (body.count > body.decided ? "，" + (body.count - body.decided) + " 行无法判定" : ""), true);
  }
  document.body.dataset.decided = String(Number(document.body.dataset.decided || 0) + 1);
}

$("compile").addEventListener("click", compile);
$("source").addEventListener("input", () => { $("upload").value = ""; });
$("decide").addEventListener("click", decide);
$("lang").addEventListener("change", () => { if (compiledOnce) compile(); });
$("upload").addEventListener("change", async () => {
  const file = $("upload").files[0];
  if (file) {
    $("source").value = await file.text();
    compile();
  }
});
