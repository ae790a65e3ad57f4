// The queue: escalations and requests together, the longest-waiting first, filtered by type,
// status, assignee (me or a colleague), registrar e-mail and words; it updates itself (polling /queue/live) with a
// count in the title, a polite announcement, and an optional sound and browser notification.
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
  if (!item.waiting) return el("td", {}, "–");
  const overdue = now - new Date(item.waiting) > alertMinutes * 60_000;
  const text = durationSince(item.waiting, now);
  return el(
    "td",
    {},
    overdue ? el("span", { className: "badge overdue" }, `${text} – yli ${alertMinutes} min`) : text,
  );
}

/** Waiting items first, the longest wait on top; then the rest, newest first. */
function byWaiting(a, b) {
  if (a.waiting && b.waiting) return new Date(a.waiting) - new Date(b.waiting);
  if (a.waiting || b.waiting) return a.waiting ? -1 : 1;
  return new Date(b.created) - new Date(a.created);
}

function table(now) {
  const head = el(
    "tr",
    {},
    ...["Viite", "Tyyppi", "Tila", "Odottanut", "Luotu", "Käsittelijä"].map((text) => el("th", { scope: "col" }, text)),
  );
  const rows = items.map((item) =>
    el(
      "tr",
      {},
      el("td", {}, el("a", { href: item.href }, item.reference)),
      el("td", {}, item.type),
      el("td", {}, el("span", { className: `badge ${item.status}` }, LABELS.status[item.status])),
      waitingCell(item, now),
      el("td", {}, formatTime(item.created)),
      el("td", {}, item.assignee),
    ),
  );
  return el(
    "table",
    {},
    el("caption", {}, "Eskalaatiot ja pyynnöt, pisimpään odottaneet ensin"),
    el("thead", {}, head),
    el("tbody", {}, ...rows),
  );
}

function drawTable() {
  document.getElementById("queue").replaceChildren(items.length ? table(Date.now()) : el("p", {}, "Ei osumia."));
}

async function load() {
  const wanted = filters.source ? [filters.source] : ["escalation", "request"];
  const results = await Promise.all(wanted.map((name) => fetchSource(name)));
  document.getElementById("counts").replaceChildren(
    ...wanted.map((name, index) =>
      countsList(name === "escalation" ? "Eskalaatiot" : "Pyynnöt", name, results[index].counts),
    ),
  );
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
  setTimeout(poll, POLL_MS);
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
  await load();
  announce(`${items.length} ${items.length === 1 ? "rivi" : "riviä"} näytetään.`);
  await poll();
});
