// form.js: a record form made from a policy's schema (GET /v1/schema), the record read back from it, and a
// decision shown as a person reads it. Shared by the applicant's self-check (/) and the officer's playground (/try).
"use strict";

// Chinese labels for the field and output names the engineering policies use; any other name shows as itself.
const POL_LABELS = {
  id: "申报编号", specialty: "专业", level: "申报级别", region: "社保归属地", submitted_by: "申报方式",
  current_title_date: "取得现职称时间", unit_type: "单位类型", applications_this_year: "本年度申报评委会数",
  exceptional: "破格申报", major_matches: "所学专业与从事专业一致", ce: "继续教育（每年一条）",
  year: "年度", hours: "公共科目学时", xxqg_points: "学习强国学分", professional_hours: "专业科目学时",
  papers: "论文", title: "题目", date: "日期", similarity: "查重率（%）", first_author: "第一作者",
  foreign: "外文", translated: "附中文译稿", matches_specialty: "与申报专业一致",
  substitutes: "替代论文的成果", kind: "类别", also_as_achievement: "同时作为业绩",
  patents_as_achievement: "作为业绩的专利数", patent_benefit_proof: "附专利效益证明", awards: "奖项数",
  award_proof: "附奖项证明", self_assessment_uploaded: "已上传《能力业绩自评表》",
  integrity_record_date: "诚信档案记录日期",
  committee: "评委会", authority: "受理部门", organizer: "具体承办", receiver: "申报材料受理部门",
  receiver_address: "受理部门地址", receiver_phone: "受理部门电话", review_mode: "评审方式",
  online_from: "网上申报开始", online_to: "网上申报截止", materials_from: "材料受理开始",
  materials_until: "材料受理截止", schedule_note: "时间说明", interview: "面试答辩", review_allowed: "可申请复核",
  tenure_years: "任职年限（年）", status: "结论"
};
const POL_VALUES = {
  interview: { required: "须参加", possible: "可能安排", none: "无需" },
  status: { eligible: "符合申报条件", ineligible: "不符合申报条件", unrouted: "本通知无对应评委会" },
  kind: { violation: "不符合", todo: "待办", warning: "提示" }
};

function polLabel(name) { return POL_LABELS[name] || name; }

function polElement(tag, attrs, children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children || []) e.appendChild(c);
  return e;
}

function polDefaultText(field) {
  if (field.type === "list") return "";
  if (field.default === null || field.default === undefined) return field.required ? "" : "默认：空";
  if (field.type === "bool") return "默认：" + (field.default ? "是" : "否");
  return "默认：" + field.default;
}

// One input for a field; data-field names it, data-type says how to read it back.
function polInput(field, path) {
  const id = "f-" + path.join("-");
  let input;
  if (field.type === "enum") {
    input = polElement("select", { id });
    input.appendChild(polElement("option", { value: "", text: field.required ? "（请选择）" : "（默认）" }));
    for (const v of field.values) input.appendChild(polElement("option", { value: v, text: v }));
    if (field.default !== null && field.default !== undefined) input.value = field.default;
  } else if (field.type === "bool") {
    input = polElement("input", { id, type: "checkbox" });
    input.checked = field.default === true;
  } else if (field.type === "int" || field.type === "number") {
    input = polElement("input", { id, type: "number", step: field.type === "int" ? "1" : "any" });
    if (field.min !== undefined) input.min = field.min;
    if (field.max !== undefined) input.max = field.max;
    if (field.default !== null && field.default !== undefined) input.placeholder = String(field.default);
  } else if (field.type === "date") {
    input = polElement("input", { id, type: "date" });
  } else {
    input = polElement("input", { id, type: "text" });
  }
  input.dataset.field = field.name;
  input.dataset.type = field.type;
  input.name = path.join(".");
  const label = polElement("label", { for: id }, [document.createTextNode(polLabel(field.name))]);
  label.appendChild(polElement("span", { class: "name", text: field.name }));
  if (field.required) label.appendChild(polElement("span", { class: "required", text: "*" }));
  const hint = polDefaultText(field);
  if (hint && field.type !== "bool") label.appendChild(polElement("span", { class: "name", text: "（" + hint + "）" }));
  if (field.type === "bool") {
    return polElement("div", { class: "field check" }, [input, label]);
  }
  return polElement("div", { class: "field" }, [label, input]);
}

// A list field: a fieldset of rows, each the element's fields, with add and remove buttons.
function polListInput(field) {
  const rows = polElement("div", { class: "rows" });
  const add = polElement("button", { type: "button", class: "small", text: "添加一行" });
  const box = polElement("fieldset", { class: "list" }, [polElement("legend", { text: polLabel(field.name) + " " + field.name }), rows, add]);
  box.dataset.list = field.name;
  let next = 0;
  add.addEventListener("click", () => polAddRow(box, field, next++));
  box.polAddRow = () => polAddRow(box, field, next++);
  return box;
}

function polAddRow(box, field, n) {
  const row = polElement("div", { class: "row" });
  row.dataset.row = String(n);
  for (const f of field.fields) row.appendChild(polInput(f, [field.name, String(n), f.name]));
  const remove = polElement("button", { type: "button", class: "small", text: "删除" });
  remove.addEventListener("click", () => row.remove());
  row.appendChild(remove);
  box.querySelector(".rows").appendChild(row);
  return row;
}

function polBuildForm(container, schema) {
  container.textContent = "";
  const simple = polElement("div", { class: "grid" });
  container.appendChild(simple);
  for (const f of schema.fields) {
    if (f.type === "list") container.appendChild(polListInput(f));
    else simple.appendChild(polInput(f, [f.name]));
  }
}

// The value of one input, or undefined when it is left empty (the field then takes its default).
function polReadInput(input) {
  const t = input.dataset.type;
  if (t === "bool") return input.checked;
  if (input.value === "") return undefined;
  if (t === "int") return parseInt(input.value, 10);
  if (t === "number") return Number(input.value);
  return input.value;
}

function polReadFields(scope) {
  const out = {};
  for (const input of scope.querySelectorAll(":scope > .field > [data-field], :scope > .field.check > [data-field]")) {
    const v = polReadInput(input);
    if (v !== undefined) out[input.dataset.field] = v;
  }
  return out;
}

function polReadForm(container) {
  const record = polReadFields(container.querySelector(".grid"));
  for (const box of container.querySelectorAll("fieldset.list")) {
    record[box.dataset.list] = Array.from(box.querySelectorAll(".row")).map(polReadFields);
  }
  return record;
}

// Fill the form from a record (the tests and "try a sample" use this): lists get one row per element.
function polFillForm(container, schema, record) {
  polBuildForm(container, schema);
  for (const f of schema.fields) {
    const v = record[f.name];
    if (v === undefined || v === null) continue;
    if (f.type === "list") {
      const box = container.querySelector('fieldset[data-list="' + f.name + '"]');
      for (const element of v) {
        const row = box.polAddRow();
        for (const input of row.querySelectorAll("[data-field]")) polSetInput(input, element[input.dataset.field]);
      }
    } else {
      polSetInput(container.querySelector('.grid [data-field="' + f.name + '"]'), v);
    }
  }
}

function polSetInput(input, v) {
  if (!input || v === undefined || v === null) return;
  if (input.dataset.type === "bool") input.checked = v === true;
  else input.value = String(v);
}

function polShowValue(name, v) {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "是" : "否";
  if (POL_VALUES[name] && POL_VALUES[name][v]) return POL_VALUES[name][v];
  // a date with a time of day reads "2024-04-30 17:00"
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v)) return v.replace("T", " ");
  return String(v);
}

// How the decision's fields are grouped on the page; a field no group names goes to the last one, so a policy
// with other outputs still shows every field.
const POL_GROUPS = [
  { title: "评审委员会", fields: ["committee", "authority", "organizer", "review_mode"] },
  { title: "材料受理", fields: ["receiver", "receiver_address", "receiver_phone"] },
  { title: "时间安排", fields: ["online_from", "online_to", "materials_from", "materials_until", "schedule_note"] },
  { title: "评审", fields: ["interview", "review_allowed", "tenure_years"] },
  { title: "其他", fields: [] }
];

// The decision: status, its fields by group (each cell's data-field and data-value for the tests), the findings.
function polShowDecision(decision, parts) {
  parts.status.textContent = polShowValue("status", decision.status);
  parts.status.className = "status " + (decision.status || "");
  parts.status.dataset.value = decision.status || "";
  parts.table.textContent = "";
  const shown = new Set(["findings", "status", "id"]);
  const rest = Object.keys(decision).filter(k => !shown.has(k) && !POL_GROUPS.some(g => g.fields.includes(k)));
  for (const group of POL_GROUPS) {
    const names = (group.fields.length ? group.fields : rest).filter(k => k in decision);
    if (!names.length) continue;
    const body = polElement("tbody", {}, [polElement("tr", { class: "group" }, [polElement("th", { colspan: "2", text: group.title })])]);
    for (const k of names) {
      const v = decision[k];
      const td = polElement("td", { text: polShowValue(k, v) });
      td.dataset.field = k;
      td.dataset.value = v === null ? "null" : String(v);
      if (v === null) td.className = "none";
      body.appendChild(polElement("tr", {}, [polElement("th", { text: polLabel(k) }), td]));
    }
    parts.table.appendChild(body);
  }
  parts.findings.textContent = "";
  for (const f of decision.findings || []) {
    const li = polElement("li", { class: f.kind }, [
      polElement("span", { class: "clause", text: f.clause || "—" }),
      polElement("span", { class: "kind " + f.kind, text: polShowValue("kind", f.kind) }),
      polElement("span", { class: "message", text: f.message })
    ]);
    li.dataset.clause = f.clause || "";
    li.dataset.kind = f.kind;
    li.dataset.message = f.message;
    parts.findings.appendChild(li);
  }
  parts.none.classList.toggle("hidden", (decision.findings || []).length > 0);
}
