// edgehub dashboard: a page that shows what the REST API (/api/v1) returns for the signed-in account.
"use strict";

const main = document.getElementById("main");
let session = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c ?? ""));
  return node;
}

async function api(path, options) {
  const response = await fetch("/api/v1" + path, Object.assign({ credentials: "same-origin", headers: { "Accept": "application/json" } }, options));
  if (response.status === 401 && path !== "/session") { session = null; location.hash = "#/login"; throw new Error("not logged in"); }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.error ? body.error : response.status + " " + response.statusText);
  return body;
}

function when(ms) { return ms ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC") : "–"; }
function placed(t) { return t ? (t.est_ms ? when(t.est_ms) + " (" + t.status + ")" : t.status) : "–"; }
function card(label, value, id) { return el("div", { class: "card", id }, el("div", { class: "value" }, String(value)), el("div", { class: "label" }, label)); }
function table(headers, rows, id) {
  return el("table", { id }, el("thead", {}, el("tr", {}, headers.map(h => el("th", {}, h)))), el("tbody", {}, rows.map(r => el("tr", {}, r.map(c => c instanceof Node ? el("td", {}, c) : el("td", {}, String(c ?? "–")))))));
}
function show(...nodes) { main.replaceChildren(...nodes); }
function fail(e) { show(el("p", { class: "error", role: "alert" }, e.message)); }

function loginPage() {
  document.getElementById("nav").hidden = true;
  const user = el("input", { id: "login-user", name: "user", autocomplete: "username", required: "" });
  const password = el("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: "" });
  const message = el("p", { id: "login-message", class: "error", role: "alert" });
  const form = el("form", { class: "login", onsubmit: async (ev) => {
    ev.preventDefault();
    message.textContent = "";
    try {
      session = await api("/session", { method: "POST", headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify({ user: user.value, password: password.value }) });
      location.hash = "#/fleet";
      route();
    } catch (e) { message.textContent = e.message; }
  } }, el("h2", {}, "Log in"), el("label", { for: "login-user" }, "User"), user, el("label", { for: "login-password" }, "Password"), password,
    el("button", { id: "login-submit", type: "submit" }, "Log in"), message);
  show(form);
}

async function fleetPage() {
  const [fleet, devices] = await Promise.all([api("/fleet"), api("/devices")]);
  const canvas = el("canvas", { id: "activations-chart", "aria-label": "Activations per day" });
  show(
    el("h2", {}, "Fleet"),
    el("div", { class: "cards" },
      card("devices enrolled", fleet.devices_enrolled, "devices-enrolled"),
      card("online (last " + fleet.online_window_minutes + " min)", fleet.devices_online, "devices-online"),
      card("operating hours", fleet.operating_hours, "operating-hours"),
      card("faults raised (relevant)", fleet.faults.raised + " (" + fleet.faults.relevant + ")", "faults"),
      card("integrity failures", fleet.integrity_failures.total, "integrity-failures"),
      card("records", fleet.records, "records")),
    el("section", {}, el("h2", {}, "Activations per day"), el("div", { class: "chart" }, canvas),
      fleet.activations_time_unknown ? el("p", {}, fleet.activations_time_unknown + " activation(s) of unknown time are not shown.") : ""),
    el("section", {}, el("h2", {}, "Devices"), table(["device", "product", "enterprise", "site", "records", "last seen", "status"],
      devices.map(d => [el("a", { href: "#/devices/" + encodeURIComponent(d.device_id) }, d.device_id), d.product_id, d.enterprise_id, d.site, d.records, when(d.last_seen_ms),
        el("span", { class: d.online ? "online" : "offline" }, d.online ? "online" : "offline")]), "devices-table")),
    Object.keys(fleet.integrity_failures.per_reason).length
      ? el("section", {}, el("h2", {}, "Integrity failures by reason"), table(["reason", "count"], Object.entries(fleet.integrity_failures.per_reason)))
      : "");
  if (window.Chart) {
    new window.Chart(canvas, { type: "bar", data: { labels: fleet.activations_per_day.map(d => d.day), datasets: [{ label: "activations", data: fleet.activations_per_day.map(d => d.count), backgroundColor: "#1f6feb" }] },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } });
  }
}

async function devicePage(id) {
  const d = await api("/devices/" + encodeURIComponent(id));
  const rows = el("tbody");
  const more = el("button", { id: "timeline-more", type: "button", hidden: "" }, "More");
  let next = 1;
  async function page() {
    const p = await api("/devices/" + encodeURIComponent(id) + "/records?limit=50&from=" + next);
    for (const e of p.entries) rows.append(el("tr", {}, el("td", {}, String(e.seq)), el("td", {}, e.type), el("td", {}, placed(e.time)), el("td", {}, "boot " + e.boot + ", " + e.mono_ms + " ms"), el("td", { class: "mono" }, e.data ? JSON.stringify(e.data) : "")));
    next = p.next_from; more.hidden = !next;
  }
  more.addEventListener("click", () => page().catch(fail));
  const s = d.device;
  const sync = d.last_clock_sync;
  show(
    el("h2", { id: "device-title" }, "Device " + s.device_id),
    el("div", { class: "cards" },
      card("product", s.product_id), card("site", s.site ?? "–"), card("records", s.records), card("last seen", when(s.last_seen_ms)),
      card("status", s.online ? "online" : "offline"), card("rejections", d.rejections)),
    el("section", {}, el("h2", {}, "Time quality"),
      table(["time source", "records"], Object.entries(d.time_quality.time_sources), "time-sources"),
      table(["placement", "records"], Object.entries(d.time_quality.placement), "time-placement")),
    el("section", { id: "clock-sync" }, el("h2", {}, "Last clock sync"),
      sync ? table(["seq", "boot", "hub time", "offset ms", "error ms", "received"], [[sync.seq, sync.boot, when(sync.hub_ms), sync.offset_ms, sync.err_ms, when(sync.received_at_ms)]]) : el("p", {}, "never synced with the hub")),
    el("section", {}, el("h2", {}, "Model versions"),
      table(["model digest", "first seq", "last seq", "records", "from", "to"], d.model_versions.map(v => [el("span", { class: "mono" }, v.digest), v.first_seq, v.last_seq, v.records, placed(v.first_time), placed(v.last_time)]), "model-versions"),
      d.model_changes.length ? table(["seq", "time", "change"], d.model_changes.map(c => [c.seq, placed(c.time), el("span", { class: "mono" }, JSON.stringify(c.data))]), "model-changes") : ""),
    el("section", {}, el("h2", {}, "Ledger timeline"),
      el("table", { id: "timeline" }, el("thead", {}, el("tr", {}, ["seq", "type", "time", "boot / mono", "data"].map(h => el("th", {}, h)))), rows), more));
  await page();
}

async function reportsPage() {
  const kinds = await api("/reports");
  const placeholders = { year: "all years", product: "all products", site: session && session.site ? session.site : "all sites" };
  const sections = kinds.map(k => {
    const id = "report-" + k.kind;
    const inputs = k.parameters.map(p => el("input", { id: id + "-" + p.name, class: "report-" + p.name, name: p.name,
      type: p.name === "year" ? "number" : "text", min: p.name === "year" ? "2000" : null, max: p.name === "year" ? "2100" : null,
      required: p.required ? "" : null, placeholder: p.required ? "required" : placeholders[p.name] }));
    const links = k.formats.map(f => el("a", { id: id + "-" + f, class: "button", download: "", "data-format": f }, f.toUpperCase()));
    function update() {
      for (const link of links) {
        const q = new URLSearchParams({ format: link.dataset.format });
        for (const input of inputs) if (input.value) q.set(input.name, input.value);
        link.href = "/api/v1/reports/" + encodeURIComponent(k.kind) + "?" + q.toString();
      }
    }
    for (const input of inputs) input.addEventListener("input", update);
    update();
    return el("section", { id, class: "report" }, el("h2", {}, k.kind), el("p", { class: "description" }, k.description),
      el("form", { class: "report", onsubmit: ev => ev.preventDefault() },
        k.parameters.flatMap((p, i) => [el("label", { for: inputs[i].id }, p.name + (p.required ? " *" : "")), inputs[i]])),
      el("p", { class: "downloads" }, "Download: ", links));
  });
  show(el("h2", {}, "Reports"), ...sections);
}

function percent(n) { return n + "%"; }

async function rolloutsPage() {
  const campaigns = await api("/rollouts");
  show(el("h2", {}, "Rollouts"),
    el("section", {}, campaigns.length
      ? table(["campaign", "release", "target", "state", "wave", "devices", "committed", "failed", "reason"],
        campaigns.map(c => [el("a", { href: "#/rollouts/" + encodeURIComponent(c.id) }, c.id), c.name + " " + c.version, c.target,
          el("span", { class: "state-" + c.state }, c.state), c.wave + " of " + c.waves.length, c.target_devices, c.counts.committed || 0, c.counts.failed || 0, c.reason]), "rollouts-table")
      : el("p", { id: "rollouts-none" }, "No rollout campaign yet. Create one with: edgehub rollout create")));
}

async function rolloutPage(id) {
  const c = await api("/rollouts/" + encodeURIComponent(id));
  const message = el("p", { id: "rollout-message", class: "error", role: "alert" });
  const actions = session && session.role === "admin" ? ["pause", "resume", "abort"].map(a => el("button", { id: "rollout-" + a, type: "button", onclick: async () => {
    message.textContent = "";
    try { await api("/rollouts/" + encodeURIComponent(id) + "/" + a, { method: "POST" }); await rolloutPage(id); } catch (e) { message.textContent = e.message; }
  } }, a)) : [];
  show(
    el("h2", { id: "rollout-title" }, "Campaign " + c.id + ": " + c.name + " " + c.version),
    el("div", { class: "cards" },
      card("state", c.state, "rollout-state"), card("target", c.target), card("devices", c.target_devices, "rollout-devices"),
      card("committed", c.counts.committed || 0, "rollout-committed"), card("failed", c.counts.failed || 0, "rollout-failed"),
      card("gates", "success ≥ " + percent(c.min_success) + ", halt > " + percent(c.halt_failures))),
    el("p", { id: "rollout-reason" }, c.reason),
    actions.length ? el("p", { class: "actions" }, actions, message) : "",
    el("section", {}, el("h2", {}, "Waves"), table(["wave", "share", "cumulative", "devices", "committed", "failed", "in progress", "status"],
      c.waves.map(w => [w.wave, percent(w.percent), w.cumulative, w.devices, w.committed, w.failed, w.in_progress, w.status]), "rollout-waves")),
    el("section", {}, el("h2", {}, "Devices by state"), table(["state", "devices"], Object.entries(c.counts), "rollout-counts")),
    el("section", {}, el("h2", {}, "Devices"), table(["device", "wave", "directive", "state", "reason", "detail", "board", "agent", "site"],
      c.devices.map(d => [d.device_id, d.wave, d.directive ? d.directive + (d.directive_sent ? "" : " (unsent)") : null, el("span", { class: "state-" + d.status }, d.status), d.reason, d.detail, d.board, d.agent_version, d.site]), "rollout-device-table")),
    el("section", {}, el("h2", {}, "History"), table(["time", "state", "wave", "reason"], c.events.map(e => [when(e.at_ms), e.state, e.wave, e.reason]), "rollout-events")));
}

async function route() {
  const hash = location.hash || "#/fleet";
  if (hash === "#/login") return loginPage();
  try {
    if (!session) session = await api("/session");
  } catch { return loginPage(); }
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = session.user + " (" + session.role + (session.org ? ", " + session.org : "") + (session.site ? ", " + session.site : "") + ")";
  try {
    const device = hash.match(/^#\/devices\/(.+)$/);
    const rollout = hash.match(/^#\/rollouts\/(.+)$/);
    if (device) await devicePage(decodeURIComponent(device[1]));
    else if (rollout) await rolloutPage(decodeURIComponent(rollout[1]));
    else if (hash === "#/rollouts") await rolloutsPage();
    else if (hash === "#/reports") await reportsPage();
    else await fleetPage();
  } catch (e) { if (e.message !== "not logged in") fail(e); }
}

document.getElementById("logout").addEventListener("click", async () => {
  try { await api("/session", { method: "DELETE" }); } catch { /* logged out either way */ }
  session = null; location.hash = "#/login"; loginPage();
});
window.addEventListener("hashchange", route);
route();
