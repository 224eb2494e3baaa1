// Orchestrator ops dashboard: plain JS, no libraries. The API key is entered once, kept in sessionStorage
// (gone when the tab closes) and sent as x-functions-key on every request. Data: /dashboard/api/* (ops or
// viewer); changes: the management API under /runtime/webhooks/durabletask (ops only; refused to viewers).
"use strict";

const KEY_STORAGE = "orchestrator.dashboard.key";
const MANAGEMENT = "/runtime/webhooks/durabletask";
const $ = (selector, root = document) => root.querySelector(selector);

const state = {
  user: null,
  tab: "instances",
  tokens: [null], // continuation token of each page seen; the last one is the current page
  failedToken: null,
  detailId: null,
};

// ------------------------------------------------------------------ HTTP

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(path, options = {}) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  const headers = Object.assign({ "x-functions-key": key || "" }, options.headers || {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  const text = await response.text();
  let body = null;
  if (text) {
    try { body = JSON.parse(text); } catch { body = text; }
  }
  if (!response.ok) throw new ApiError(response.status, typeof body === "object" ? body : { detail: String(body || "") });
  return body;
}

// ------------------------------------------------------------------ small DOM helpers

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "onclick") node.addEventListener("click", value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function time(value) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "").replace(/Z$/, "");
}

function statusBadge(status) {
  return el("span", { class: `badge status-${String(status).toLowerCase()}`, "data-status": status }, status);
}

function lightBadge(light) {
  const name = String(light || "None");
  return el("span", { class: `light light-${name.toLowerCase()}`, "data-light": name, title: name }, name);
}

function instanceLink(id) {
  return el("a", { href: `#instance=${encodeURIComponent(id)}`, class: "instance-link", onclick: (e) => { e.preventDefault(); showDetail(id); } }, id);
}

function fillTable(table, rows, emptyText, columns) {
  const body = $("tbody", table);
  body.replaceChildren();
  if (!rows.length) {
    body.append(el("tr", { class: "empty" }, el("td", { colspan: String(columns) }, emptyText)));
    return;
  }
  for (const row of rows) body.append(row);
}

function say(text, kind = "info") {
  const box = $("#message");
  box.textContent = text;
  box.className = `message-${kind}`;
  box.hidden = !text;
}

function failureText(f) {
  return f ? `${f.errorType}: ${f.errorMessage}` : "";
}

// ------------------------------------------------------------------ key

async function signIn() {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) {
    state.user = null;
    $("#app").hidden = true;
    $("#who").hidden = true;
    $("#key-form").hidden = false;
    say("Enter an ops or viewer API key to see the instances.");
    return;
  }
  try {
    state.user = await api("/dashboard/api/me");
  } catch (err) {
    sessionStorage.removeItem(KEY_STORAGE);
    $("#app").hidden = true;
    $("#key-form").hidden = false;
    say(`The key was refused: ${err.message}`, "error");
    return;
  }
  $("#key-form").hidden = true;
  $("#who").hidden = false;
  $("#who-text").textContent = `${state.user.name} (${state.user.role})`;
  $("#app").hidden = false;
  document.body.dataset.role = state.user.role;
  say("");
  showTab(state.tab);
  const match = /^#instance=(.+)$/.exec(location.hash);
  if (match) showDetail(decodeURIComponent(match[1]));
}

// ------------------------------------------------------------------ tabs

function showTab(tab) {
  state.tab = tab;
  for (const button of document.querySelectorAll("#tabs [data-tab]")) button.setAttribute("aria-selected", String(button.dataset.tab === tab));
  for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== `tab-${tab}`;
  const loaders = { instances: loadInstances, failed: () => loadFailed(false), sla: loadSla, escalations: loadEscalations, schedules: loadSchedules };
  loaders[tab]().catch((err) => say(err.message, "error"));
}

// ------------------------------------------------------------------ instances

function filterQuery() {
  const params = new URLSearchParams();
  const add = (name, value) => { if (value) params.set(name, value); };
  add("status", $("#f-status").value);
  add("name", $("#f-name").value.trim());
  add("version", $("#f-version").value.trim());
  add("prefix", $("#f-prefix").value.trim());
  const utc = (v) => (v ? (v.length === 16 ? `${v}:00Z` : `${v}Z`) : "");
  add("from", utc($("#f-from").value));
  add("to", utc($("#f-to").value));
  add("top", $("#f-top").value);
  return params;
}

async function loadInstances() {
  const body = $("#instances-table tbody");
  body.dataset.loading = "1";
  try {
    await renderInstances();
  } finally {
    delete body.dataset.loading;
  }
}

async function renderInstances() {
  const params = filterQuery();
  const token = state.tokens[state.tokens.length - 1];
  if (token) params.set("token", token);
  const page = await api(`/dashboard/api/instances?${params}`);
  const table = $("#instances-table");
  fillTable(table, page.instances.map((i) => el("tr", { dataset: { instanceId: i.instanceId } },
    el("td", {}, instanceLink(i.instanceId)),
    el("td", {}, i.name),
    el("td", { class: "version" }, i.version || ""),
    el("td", {}, statusBadge(i.runtimeStatus)),
    el("td", {}, time(i.createdTime)),
    el("td", {}, time(i.lastUpdatedTime)),
    el("td", { class: "custom error-text" }, failureText(i.failure)),
  )), "No instances match.", 7);
  state.nextToken = page.continuationToken;
  $("#page-prev").disabled = state.tokens.length <= 1;
  $("#page-next").disabled = !page.continuationToken;
  $("#page-info").textContent = `Page ${state.tokens.length} · ${page.instances.length} shown${page.continuationToken ? " · more on the next page" : ""}`;
}

function resetPaging() {
  state.tokens = [null];
}

// ------------------------------------------------------------------ failed

async function loadFailed(more) {
  const params = new URLSearchParams({ status: "Failed", top: "50" });
  if (more && state.failedToken) params.set("token", state.failedToken);
  const page = await api(`/dashboard/api/instances?${params}`);
  const table = $("#failed-table");
  const rows = page.instances.map((i) => el("tr", { dataset: { instanceId: i.instanceId } },
    el("td", {}, instanceLink(i.instanceId)),
    el("td", {}, i.name),
    el("td", {}, time(i.completedTime || i.lastUpdatedTime)),
    el("td", { class: "error-text" }, failureText(i.failure)),
  ));
  if (more) for (const row of rows) $("tbody", table).append(row);
  else fillTable(table, rows, "No failed instances.", 4);
  state.failedToken = page.continuationToken;
  $("#failed-more").hidden = !page.continuationToken;
}

// ------------------------------------------------------------------ SLA board and escalations

function unavailable(table, columns, note) {
  fillTable(table, [], note || "Not available.", columns);
}

async function loadSla() {
  const read = await api("/dashboard/api/sla");
  const summary = $("#sla-summary");
  if (!read.available) {
    summary.textContent = read.note || "The SLA board is not available.";
    unavailable($("#sla-table"), 5, "No lifecycle in this host.");
    unavailable($("#sla-due"), 6, "");
    unavailable($("#sla-overdue"), 5, "");
    return;
  }
  const board = read.value;
  summary.replaceChildren(
    el("span", {}, `At ${time(board.at)} UTC (local date ${board.localDate}): `),
    lightBadge("Green"), ` ${board.green}  `, lightBadge("Yellow"), ` ${board.yellow}  `, lightBadge("Red"), ` ${board.red}`,
    // The due lists hold at most 50 per department; the counts are exact.
    ` · due today ${board.dueTodayCount}, next working day ${board.dueNextWorkingDayCount}`,
    board.overdueNotEscalated.length ? el("span", { class: "warn" }, ` · ${board.overdueNotEscalated.length} overdue not yet escalated`) : "",
  );
  fillTable($("#sla-table"), board.departments.map((d) => el("tr", { dataset: { department: d.departmentCode } },
    el("td", {}, d.departmentCode),
    el("td", { class: "count green" }, lightBadge("Green"), ` ${d.green}`),
    el("td", { class: "count yellow" }, lightBadge("Yellow"), ` ${d.yellow}`),
    el("td", { class: "count red" }, lightBadge("Red"), ` ${d.red}`),
    el("td", {}, d.entries.map((e) => el("span", { class: "clock" }, lightBadge(e.light), ` ${e.projectCode}/${e.itemCode} due ${e.dueDateLocal}`))),
  )), "No running clocks.", 5);
  fillTable($("#sla-overdue"), board.overdueNotEscalated.map((e) => el("tr", {},
    el("td", {}, instanceLink(`project-${e.projectCode}`)), el("td", {}, e.itemCode), el("td", {}, e.departmentCode),
    el("td", {}, e.dueDateLocal), el("td", { class: "error-text" }, e.workingDaysLate),
  )), "Nothing is overdue without an escalation.", 5);
  const due = [...board.dueToday, ...board.dueNextWorkingDay];
  fillTable($("#sla-due"), due.map((e) => el("tr", {},
    el("td", {}, instanceLink(`project-${e.projectCode}`)), el("td", {}, e.itemCode), el("td", {}, e.departmentCode),
    el("td", {}, lightBadge(e.light)), el("td", {}, e.dueDateLocal), el("td", {}, e.daysRemaining),
  )), "Nothing is due today or on the next working day.", 6);
}

async function loadEscalations() {
  const read = await api(`/dashboard/api/escalations${$("#esc-all").checked ? "?all=true" : ""}`);
  const table = $("#escalations-table");
  if (!read.available) { unavailable(table, 10, read.note); return; }
  fillTable(table, read.value.map((e) => el("tr", {},
    el("td", {}, instanceLink(`project-${e.projectCode}`)),
    el("td", {}, instanceLink(e.meetingInstanceId)),
    el("td", {}, e.cause), el("td", {}, (e.itemCodes || []).join(", ")), el("td", {}, (e.departments || []).join(", ")),
    el("td", {}, e.level), el("td", {}, e.state), el("td", {}, time(e.openedAt)), el("td", {}, time(e.conveneBy)),
    el("td", {}, e.resolution || ""),
  )), "No open escalations.", 10);
}

// ------------------------------------------------------------------ scheduled runs

async function loadSchedules() {
  const overview = await api("/dashboard/api/schedules");
  fillTable($("#schedules-table"), overview.functions.map((f) => el("tr", {},
    el("td", {}, f.name), el("td", {}, el("code", {}, f.cron || "")), el("td", {}, f.timeZone),
    el("td", {}, f.enabled ? "yes" : "no"), el("td", {}, time(f.nextOccurrence)),
  )), overview.schedulerEnabled ? "No scheduled functions are registered." : "The scheduler is disabled in this process.", 5);
  fillTable($("#runs-table"), overview.runs.map((r) => el("tr", { dataset: { instanceId: r.instanceId } },
    el("td", {}, r.function), el("td", {}, time(r.scheduledTime)), el("td", { title: r.note || "" }, statusBadge(r.outcome), r.note ? el("div", { class: "hint small" }, r.note) : null),
    el("td", {}, time(r.createdTime)), el("td", {}, r.durationSeconds == null ? "" : `${r.durationSeconds} s`),
    el("td", {}, instanceLink(r.instanceId)), el("td", { class: "error-text" }, failureText(r.failure)),
  )), "No runs in the window.", 7);
}

// ------------------------------------------------------------------ one instance

async function showDetail(id) {
  state.detailId = id;
  let detail;
  try {
    detail = await api(`/dashboard/api/instances/${encodeURIComponent(id)}`);
  } catch (err) {
    say(err.message, "error");
    return;
  }
  const section = $("#detail");
  section.hidden = false;
  $("#d-id").textContent = id;
  const i = detail.instance;
  const summary = $("#d-summary");
  summary.replaceChildren();
  const pair = (term, value) => summary.append(el("dt", {}, term), el("dd", {}, value));
  pair("Name", i.name + (detail.version ? ` (version ${detail.version})` : ""));
  pair("Status", statusBadge(i.runtimeStatus));
  pair("Created", `${time(i.createdTime)} UTC`);
  pair("Last updated", `${time(i.lastUpdatedTime)} UTC`);
  if (i.completedTime) pair("Completed", `${time(i.completedTime)} UTC`);
  if (i.parentInstanceId) pair("Parent", instanceLink(i.parentInstanceId));

  const error = $("#d-error");
  error.hidden = !i.failure;
  error.replaceChildren();
  if (i.failure) {
    error.append(el("strong", {}, "Failed: "), failureText(i.failure));
    if (i.failure.stackTrace) error.append(el("details", {}, el("summary", {}, "stack trace"), el("pre", {}, i.failure.stackTrace)));
  }

  $("#d-actions").hidden = !(state.user && state.user.canOperate);

  const sla = $("#d-sla");
  sla.hidden = !detail.sla;
  if (detail.sla) {
    fillTable($("table", sla), (detail.sla.deadlines || []).map((d) => el("tr", {},
      el("td", {}, d.label), el("td", {}, d.state || ""), el("td", {}, lightBadge(d.light)), el("td", {}, time(d.dueAtUtc)),
      el("td", {}, d.dueDateLocal || ""), el("td", {}, d.daysRemaining ?? ""), el("td", {}, d.workingDaysLate || ""),
    )), "No running deadlines.", 7);
    $("#d-sla-note").textContent = detail.sla.note || (detail.sla.light ? `Overall light: ${detail.sla.light}` : "");
  }

  const timeline = $("#d-timeline");
  timeline.replaceChildren();
  for (const e of detail.history) {
    timeline.append(el("li", { class: `event event-${e.eventType}`, dataset: { eventType: e.eventType } },
      el("span", { class: "when" }, time(e.timestamp)),
      el("span", { class: "what" }, e.eventType),
      e.name ? el("span", { class: "name" }, e.name) : null,
      e.eventId >= 0 ? el("span", { class: "id" }, `#${e.eventId}`) : null,
      e.taskScheduledId != null ? el("span", { class: "id" }, `→ #${e.taskScheduledId}`) : null,
      e.instanceId ? el("span", { class: "target" }, instanceLink(e.instanceId)) : null,
      e.detail ? el("span", { class: "detail" }, e.detail) : null,
      e.failure ? el("span", { class: "error-text" }, failureText(e.failure)) : null,
    ));
  }
  if (!detail.history.length) timeline.append(el("li", {}, "No history (purged or not started)."));
  $("#d-payloads").textContent = JSON.stringify({ input: detail.input, output: detail.output, customStatus: detail.customStatus }, null, 2);
  section.scrollIntoView({ block: "nearest" });
}

// ------------------------------------------------------------------ ops actions with confirmation

const ACTIONS = {
  terminate: { title: "Terminate instance", text: "The instance stops for good: its orchestration code runs no further.", reason: true },
  suspend: { title: "Suspend instance", text: "The instance keeps its state but processes nothing until resumed.", reason: true },
  resume: { title: "Resume instance", text: "The suspended instance continues from where it stopped.", reason: true },
  restart: { title: "Restart instance", text: "The instance starts again from the beginning with its original input, under the same id." },
  raise: { title: "Raise event", text: "Sends an external event to the instance.", event: true },
  purge: { title: "Purge instance", text: "The instance's state and history are deleted for good. Only ended instances can be purged." },
};

function confirmAction(action, id) {
  const spec = ACTIONS[action];
  const dialog = $("#confirm");
  $("#confirm-title").textContent = `${spec.title}?`;
  $("#confirm-text").textContent = `${spec.text} Instance: ${id}`;
  const fields = $("#confirm-fields");
  fields.replaceChildren();
  if (spec.reason) fields.append(el("label", {}, "Reason ", el("input", { id: "confirm-reason", placeholder: "optional" })));
  if (spec.event) {
    fields.append(
      el("label", {}, "Event name ", el("input", { id: "confirm-event", required: true, placeholder: "e.g. Approval" })),
      el("label", {}, "Payload (JSON) ", el("textarea", { id: "confirm-payload", rows: "3", placeholder: "true" })),
    );
  }
  $("#confirm-ok").textContent = spec.title.split(" ")[0];
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      if (dialog.returnValue !== "ok") { resolve(null); return; }
      resolve({
        reason: $("#confirm-reason") ? $("#confirm-reason").value.trim() : "",
        event: $("#confirm-event") ? $("#confirm-event").value.trim() : "",
        payload: $("#confirm-payload") ? $("#confirm-payload").value.trim() : "",
      });
    }, { once: true });
    dialog.returnValue = "";
    dialog.showModal();
  });
}

async function runAction(action) {
  const id = state.detailId;
  if (!id) return;
  const values = await confirmAction(action, id);
  if (!values) { say(`${ACTIONS[action].title}: cancelled.`); return; }
  const path = `${MANAGEMENT}/instances/${encodeURIComponent(id)}`;
  const reason = values.reason ? `?reason=${encodeURIComponent(values.reason)}` : "";
  try {
    switch (action) {
      case "terminate": case "suspend": case "resume":
        await api(`${path}/${action}${reason}`, { method: "POST" });
        break;
      case "restart":
        await api(`${path}/restart`, { method: "POST" });
        break;
      case "raise":
        if (!values.event) throw new Error("Give the event's name.");
        if (values.payload) JSON.parse(values.payload); // refuse malformed JSON before sending
        await api(`${path}/raiseEvent/${encodeURIComponent(values.event)}`, {
          method: "POST", headers: { "content-type": "application/json" }, body: values.payload || "",
        });
        break;
      case "purge":
        await api(path, { method: "DELETE" });
        break;
    }
  } catch (err) {
    say(`${ACTIONS[action].title} refused: ${err.message}`, "error");
    return;
  }
  say(`${ACTIONS[action].title}: done for ${id}.`, "ok");
  if (action === "purge") {
    $("#detail").hidden = true;
    state.detailId = null;
  } else {
    await waitAndRefresh(id);
  }
  if (state.tab === "instances") loadInstances().catch(() => {});
}

/** The engine applies a command on its next episode: re-read the instance a few times until its status moves. */
async function waitAndRefresh(id) {
  const before = $("#d-summary [data-status]")?.dataset.status;
  for (let attempt = 0; attempt < 60; attempt++) {
    await new Promise((r) => setTimeout(r, 250));
    await showDetail(id);
    const now = $("#d-summary [data-status]")?.dataset.status;
    if (now && now !== before) return;
  }
}

// ------------------------------------------------------------------ wiring

document.addEventListener("DOMContentLoaded", () => {
  $("#key-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("#key-input").value.trim();
    if (!key) return;
    sessionStorage.setItem(KEY_STORAGE, key);
    $("#key-input").value = "";
    signIn();
  });
  $("#key-forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY_STORAGE);
    $("#detail").hidden = true;
    signIn();
  });
  for (const button of document.querySelectorAll("#tabs [data-tab]")) button.addEventListener("click", () => showTab(button.dataset.tab));
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); resetPaging(); loadInstances().catch((err) => say(err.message, "error")); });
  $("#f-clear").addEventListener("click", () => { $("#filters").reset(); resetPaging(); loadInstances().catch((err) => say(err.message, "error")); });
  $("#page-next").addEventListener("click", () => {
    if (!state.nextToken) return;
    state.tokens.push(state.nextToken);
    loadInstances().catch((err) => say(err.message, "error"));
  });
  $("#page-prev").addEventListener("click", () => {
    if (state.tokens.length > 1) state.tokens.pop();
    loadInstances().catch((err) => say(err.message, "error"));
  });
  $("#failed-more").addEventListener("click", () => loadFailed(true).catch((err) => say(err.message, "error")));
  $("#esc-all").addEventListener("change", () => loadEscalations().catch((err) => say(err.message, "error")));
  $("#d-close").addEventListener("click", () => { $("#detail").hidden = true; state.detailId = null; history.replaceState(null, "", location.pathname); });
  for (const button of document.querySelectorAll("#d-actions [data-action]")) button.addEventListener("click", () => runAction(button.dataset.action));
  signIn();
});
