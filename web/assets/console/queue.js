// The queue: escalations and requests together, the longest-waiting first, filtered by type,
// status, assignee (me or a colleague), registrar e-mail and words; it updates itself (polling /queue/live) with a
// count in the title, a polite announcement, and an optional sound and browser notification.
// Updates change the table's rows and cells in place and never move the row that holds the
// focus, so keyboard focus and a screen reader's place survive them; staff can pause them.
import { LABELS, announce, assigneeText, call, durationSince, el, formatTime, run, startPage } from "./common.js";

const STATUSES = {
  escalation: ["open", "in_progress", "resolved"],
  request: ["open", "approved", "denied"],
};
const POLL_MS = 3000;
const BASE_TITLE = "Jono – Celian henkilökunnan konsoli";
const PREFS = "celia-console-alerts";

let staff = null;
let names = new Map(); // colleagues' names by id
let filters = null;
let alertMinutes = 60;
let items = [];
let cursor = null; // the newest ids seen; none before the first poll
let audio = null;
let pollTimer = null;

function readFilters() {
  const params = new URLSearchParams(location.search);
  const [source, subtype] = (params.get("type") || "").split(":");
  return {
    type: params.get("type") || "",
    source,
    subtype,
    status: params.get("status") || "",
    q: (params.get("q") || "").trim(),
    email: (params.get("email") || "").trim(),
    assignee: params.get("assignee") || "", // "me" or a colleague's id
  };
}

async function fetchSource(source) {
  const { subtype, status, q, email, assignee } = filters;
  if (status && !STATUSES[source].includes(status)) return { items: [], counts: {} };
  const query = new URLSearchParams({ limit: "200" });
  if (status) query.set("status", status);
  if (subtype) query.set(source === "escalation" ? "reason" : "kind", subtype);
  if (assignee) query.set("assignee_id", assignee === "me" ? String(staff.id) : assignee);
  if (q) query.set("q", q);
  if (email) query.set("registrar_email", email);
  const list = await call(`/${source}s?${query}`, { background: true });
  return {
    counts: list.counts,
    items: list.items.map((item) => ({
      source,
      href: `/staff/${source}s/${item.id}`,
      reference: item.reference,
      type: source === "escalation" ? LABELS.reason[item.reason] : LABELS.kind[item.kind],
      status: item.status,
      created: item.created_at,
      // Escalations: the registrar's oldest unanswered message; requests: filed, until decided.
      waiting: source === "escalation" ? item.waiting_since : item.status === "open" ? item.created_at : null,
      assignee: assigneeText(item.assignee_id, staff, names),
    })),
  };
}

function countsList(title, source, counts) {
  return el(
    "div",
    {},
    el("h3", {}, title),
    el("ul", {}, ...STATUSES[source].map((status) => el("li", {}, `${LABELS.status[status]}: ${counts[status] ?? 0}`))),
  );
}

function waitingCell(item, now) {
  if (!item.waiting) return "–";
  const overdue = now - new Date(item.waiting) > alertMinutes * 60_000;
  const text = durationSince(item.waiting, now);
  return overdue ? el("span", { className: "badge overdue" }, `${text} – yli ${alertMinutes} min`) : text;
}

/** Waiting items first, the longest wait on top; then the rest, newest first. */
function byWaiting(a, b) {
  if (a.waiting && b.waiting) return new Date(a.waiting) - new Date(b.waiting);
  if (a.waiting || b.waiting) return a.waiting ? -1 : 1;
  return new Date(b.created) - new Date(a.created);
}

/** The contents of a row's cells. */
function cells(item, now) {
  return [
    el("a", { href: item.href }, item.reference),
    item.type,
    el("span", { className: `badge ${item.status}` }, LABELS.status[item.status]),
    waitingCell(item, now),
    formatTime(item.created),
    item.assignee,
  ];
}

/** A cell's content replaced only when what it shows changed. */
function fillCell(cell, content) {
  const fresh = el("td", {}, content);
  if (fresh.innerHTML !== cell.innerHTML) cell.replaceChildren(...fresh.childNodes);
}

function emptyTable() {
  const head = el(
    "tr",
    {},
    ...["Viite", "Tyyppi", "Tila", "Odottanut", "Luotu", "Käsittelijä"].map((text) => el("th", { scope: "col" }, text)),
  );
  return el(
    "table",
    {},
    el("caption", {}, "Eskalaatiot ja pyynnöt, pisimpään odottaneet ensin"),
    el("thead", {}, head),
    el("tbody", {}),
  );
}

/** Put `rows` in this order in `tbody`, moving only rows out of place and never the row with
 * the focus (a moved element loses it): the others are arranged around it. */
function arrange(tbody, rows) {
  const focused = rows.findIndex((row) => row.contains(document.activeElement));
  const pinned = Math.max(0, focused >= 0 ? focused : rows.findIndex((row) => row.parentNode === tbody));
  if (rows[pinned].parentNode !== tbody) tbody.append(rows[pinned]);
  for (let index = pinned + 1; index < rows.length; index += 1) {
    if (rows[index].previousElementSibling !== rows[index - 1]) rows[index - 1].after(rows[index]);
  }
  for (let index = pinned - 1; index >= 0; index -= 1) {
    if (rows[index].nextElementSibling !== rows[index + 1]) rows[index + 1].before(rows[index]);
  }
}

function drawTable() {
  const box = document.getElementById("queue");
  if (!items.length) {
    box.replaceChildren(el("p", {}, "Ei osumia."));
    return;
  }
  const table = box.querySelector("table") ?? box.appendChild(emptyTable());
  box.querySelector(":scope > p")?.remove();
  const tbody = table.tBodies[0];
  const known = new Map([...tbody.rows].map((row) => [row.dataset.href, row]));
  const now = Date.now();
  const rows = items.map((item) => {
    const contents = cells(item, now);
    const row = known.get(item.href) ?? el("tr", { "data-href": item.href }, ...contents.map(() => el("td")));
    known.delete(item.href);
    contents.forEach((content, index) => fillCell(row.cells[index], content));
    return row;
  });
  const lostFocusAt = [...known.values()].find((row) => row.contains(document.activeElement))?.sectionRowIndex;
  for (const gone of known.values()) gone.remove();
  arrange(tbody, rows);
  // The focused row left the list: the focus goes to the row now in its place.
  if (lostFocusAt !== undefined) (rows[lostFocusAt] ?? rows.at(-1)).querySelector("a").focus();
}

async function load() {
  const wanted = filters.source ? [filters.source] : ["escalation", "request"];
  const results = await Promise.all(wanted.map((name) => fetchSource(name)));
  const counts = el(
    "div",
    {},
    ...wanted.map((name, index) =>
      countsList(name === "escalation" ? "Eskalaatiot" : "Pyynnöt", name, results[index].counts),
    ),
  );
  const shown = document.getElementById("counts");
  if (counts.innerHTML !== shown.innerHTML) shown.replaceChildren(...counts.childNodes);
  items = results.flatMap((result) => result.items).sort(byWaiting);
  drawTable();
}

// --- alerts: sound and browser notification, both off until the staff member turns them on --

function prefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS)) || {};
  } catch {
    return {};
  }
}

function savePrefs(changes) {
  localStorage.setItem(PREFS, JSON.stringify({ ...prefs(), ...changes }));
}

function beep() {
  audio ??= new AudioContext();
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.value = 880;
  volume.gain.value = 0.1;
  tone.connect(volume).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.2);
}

function bindAlertToggles() {
  const sound = document.getElementById("alert-sound");
  const notify = document.getElementById("alert-notification");
  sound.checked = Boolean(prefs().sound);
  notify.checked = Boolean(prefs().notification) && "Notification" in window && Notification.permission === "granted";
  sound.addEventListener("change", () => {
    savePrefs({ sound: sound.checked });
    if (sound.checked) beep(); // a sample, and the gesture browsers want before playing audio
  });
  notify.addEventListener("change", async () => {
    if (notify.checked) {
      const permission = "Notification" in window ? await Notification.requestPermission() : "denied";
      if (permission !== "granted") {
        notify.checked = false;
        announce("Selain ei salli ilmoituksia tälle sivulle; salli ne selaimen asetuksista.", { error: true });
      }
    }
    savePrefs({ notification: notify.checked });
  });
}

function alertNew(arrived) {
  const names = arrived.map((item) => `${item.source === "escalation" ? "eskalaatio" : "pyyntö"} ${item.reference}`);
  const text = `Uusi jonossa: ${names.join(", ")}.`;
  announce(text);
  if (prefs().sound) beep();
  if (prefs().notification && "Notification" in window && Notification.permission === "granted") {
    new Notification("Celian konsoli: uusi jonossa", { body: names.join(", "), tag: "celia-queue" });
  }
}

// --- live updates ------------------------------------------------------------------------

/** The next poll in 3 s, unless staff paused the live updates. */
function schedule() {
  clearTimeout(pollTimer);
  pollTimer = document.getElementById("live-updates").checked ? setTimeout(poll, POLL_MS) : null;
}

function bindLiveToggle() {
  document.getElementById("live-updates").addEventListener("change", (event) => {
    if (event.target.checked) poll();
    else clearTimeout(pollTimer);
  });
}

async function poll() {
  try {
    const after = cursor ? `?after_escalation=${cursor.escalation}&after_request=${cursor.request}` : "";
    const live = await call(`/queue/live${after}`, { background: true });
    alertMinutes = live.waiting_alert_minutes;
    const open = live.open_escalations + live.open_requests;
    document.title = open ? `(${open}) ${BASE_TITLE}` : BASE_TITLE;
    cursor = { escalation: live.latest_escalation_id, request: live.latest_request_id };
    const arrived = live.new;
    if (arrived.length) {
      await load();
      alertNew(arrived);
    } else {
      drawTable(); // the waiting times move on
    }
  } catch {
    // Unreachable for a moment: the next round tries again.
  }
  schedule();
}

run(async () => {
  // The form shows the URL's filters at once, before anything is fetched, so that nothing the
  // staff member chooses while the page loads is overwritten.
  filters = readFilters();
  document.getElementById("type").value = filters.type;
  document.getElementById("status-filter").value = filters.status;
  document.getElementById("q").value = filters.q;
  document.getElementById("email").value = filters.email;
  const assignee = document.getElementById("assignee");
  assignee.value = filters.assignee; // "" or "me"; a colleague's option comes below
  staff = await startPage("queue");
  const colleagues = (await call("/colleagues")).filter((colleague) => colleague.id !== staff.id);
  names = new Map(colleagues.map((colleague) => [colleague.id, colleague.name]));
  assignee.append(...colleagues.map((colleague) => el("option", { value: String(colleague.id) }, colleague.name)));
  if (assignee.value === "" && filters.assignee) assignee.value = filters.assignee;
  bindAlertToggles();
  bindLiveToggle();
  await load();
  announce(`${items.length} ${items.length === 1 ? "rivi" : "riviä"} näytetään.`);
  await poll();
});
