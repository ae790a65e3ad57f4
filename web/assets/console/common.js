// Shared by the staff console pages: API calls (session cookie + X-CSRF-Token), the header with
// navigation and log-out, Finnish labels, and a DOM builder that only ever sets text.

const API = "/api/v1/staff";
let csrfToken = null;

export const LABELS = {
  status: {
    open: "Avoin",
    in_progress: "Käsittelyssä",
    resolved: "Ratkaistu",
    approved: "Hyväksytty",
    denied: "Hylätty",
  },
  reason: {
    asked_for_human: "Pyysi ihmistä",
    unanswered_question: "Vastaamaton kysymys",
    failed_flow: "Keskeytynyt pyyntö",
  },
  faqStatus: { draft: "Luonnos", approved: "Hyväksytty", published: "Julkaistu", superseded: "Korvattu" },
  kind: {
    reactivation: "Asiakkuuden aktivointi",
    unlock: "Tunnuksen lukituksen avaus",
    delivery_change: "CD-lainaajasta verkkokäyttäjäksi",
    registrar_removal: "Rekisteröijän poisto",
  },
};

const NAV = [
  { href: "/staff", text: "Jono", section: "queue" },
  { href: "/staff/unanswered", text: "Vastaamattomat kysymykset", section: "unanswered" },
  { href: "/staff/reports", text: "Raportit", section: "reports" },
  { href: "/staff/canned-replies", text: "Valmiit vastaukset", section: "canned" },
  { href: "/staff/faq", text: "FAQ-sisältö", section: "faq" },
  { href: "/staff/audit", text: "Tapahtumaloki", section: "audit" },
  { href: "/staff/admin", text: "Ylläpito", section: "admin", role: "admin" },
  { href: "/staff/account", text: "Oma tili", section: "account" },
];
// Log-in steps answer 401 for a wrong password or code: the page says so, no redirect.
const LOGIN_STEPS = new Set(["/auth/login", "/auth/second-factor", "/auth/set-password"]);

export class ApiError extends Error {
  constructor(message, status = 0, body = null) {
    super(message);
    this.status = status;
    this.body = body; // the answer's JSON, e.g. the questions a refused FAQ publish names
  }
}

/** `el("a", {href: "/x"}, "text", child)`: properties are set as properties, children as text. */
export function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(properties)) {
    if (name.startsWith("aria") || name.startsWith("data-") || name === "for") {
      element.setAttribute(name.replace(/^aria([A-Z])/, (_, c) => `aria-${c.toLowerCase()}`), value);
    } else {
      element[name] = value;
    }
  }
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

export function formatTime(iso) {
  if (!iso) return "–";
  return new Intl.DateTimeFormat("fi-FI", { dateStyle: "short", timeStyle: "short" }).format(
    new Date(iso),
  );
}

/** "1 h 5 min" since `iso` (at least "0 min"). */
export function durationSince(iso, now = Date.now()) {
  const minutes = Math.max(0, Math.floor((now - new Date(iso)) / 60_000));
  const hours = Math.floor(minutes / 60);
  return hours ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/** "Minä", a colleague's name (`names`: id → name, from /colleagues) or "#id". */
export function assigneeText(assigneeId, staff, names = new Map()) {
  if (assigneeId === null) return "–";
  return assigneeId === staff.id ? "Minä" : names.get(assigneeId) ?? `#${assigneeId}`;
}

/** Label, list of the other active colleagues and "Siirrä kollegalle"; `give(colleague)`
 * assigns; nothing when there is nobody else. */
export function colleagueChooser(colleagues, staff, give) {
  const others = colleagues.filter((colleague) => colleague.id !== staff.id);
  if (!others.length) return [];
  const chooser = el(
    "select",
    { id: "colleague" },
    ...others.map((colleague) => el("option", { value: String(colleague.id) }, colleague.name)),
  );
  const button = el("button", { type: "button", id: "give" }, "Siirrä kollegalle");
  button.addEventListener("click", () => give(others.find((c) => String(c.id) === chooser.value)));
  return [el("label", { for: "colleague" }, "Kollega"), chooser, button];
}

export function facts(pairs) {
  const items = pairs.flatMap(([term, value]) => [el("dt", {}, term), el("dd", {}, value)]);
  return el("dl", { className: "facts" }, ...items);
}

export function auditList(events) {
  return el(
    "ul",
    { className: "audit" },
    ...events.map((event) =>
      el("li", {}, `${formatTime(event.created_at)} · ${event.action}${event.detail ? ` (${event.detail})` : ""}`),
    ),
  );
}

export function loginUrl() {
  return `/staff/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

/** `background`: the page's own polling, which does not keep an idle session alive. */
export async function call(path, { method = "GET", body, background = false } = {}) {
  const headers = {};
  if (background) headers["X-Background-Poll"] = "1";
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken ?? "";
  let response;
  try {
    response = await fetch(`${API}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError("Palvelimeen ei saatu yhteyttä. Yritä hetken päästä uudelleen.");
  }
  if (response.status === 401 && !LOGIN_STEPS.has(path)) {
    location.assign(loginUrl());
    throw new ApiError("Kirjaudu sisään.");
  }
  if (!response.ok) {
    const data = await response.json().catch(() => null);
    throw new ApiError(data?.detail || `Pyyntö epäonnistui (${response.status}).`, response.status, data);
  }
  return response.status === 204 ? null : response.json();
}

/** Say something in the page's status (polite) or alert (assertive) region. */
export function announce(text, { error = false } = {}) {
  const status = document.getElementById("status");
  if (status) status.textContent = error ? "" : text;
  document.getElementById("alert").textContent = error ? text : "";
}

export function setCsrfToken(token) {
  csrfToken = token;
}

/** A named table box (role="region") is a tab stop while it scrolls sideways (a phone, zoom),
 * so a keyboard can scroll it; while its table fits it is not. */
function scrollRegionsTabbable() {
  const observer = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      if (target.scrollWidth > target.clientWidth) target.tabIndex = 0;
      else target.removeAttribute("tabindex");
    }
  });
  for (const box of document.querySelectorAll(".table-wrap[role=region]")) observer.observe(box);
}

/** Check the session, draw the header; returns the logged-in staff user. */
export async function startPage(section) {
  scrollRegionsTabbable();
  const session = await call("/auth/me");
  if (session.stage !== null) {
    location.assign(loginUrl()); // the log-in is unfinished: the code is still due
    throw new ApiError("Kirjaudu sisään.");
  }
  csrfToken = session.csrf_token;
  const visible = NAV.filter((item) => !item.role || item.role === session.staff.role);
  const links = visible.map((item) =>
    el(
      "li",
      {},
      el("a", { href: item.href, ...(item.section === section ? { ariaCurrent: "page" } : {}) }, item.text),
    ),
  );
  const logout = el("button", { type: "button", className: "secondary" }, "Kirjaudu ulos");
  logout.addEventListener("click", async () => {
    await call("/auth/logout", { method: "POST" }).catch(() => null);
    location.assign("/staff/login");
  });
  document.querySelector(".console-header").append(
    el(
      "div",
      { className: "wrap header-row" },
      el("a", { className: "brand", href: "/staff" }, "Celia · henkilökunnan konsoli"),
      el("nav", { ariaLabel: "Konsolin osat" }, el("ul", {}, ...links)),
      el("p", { className: "who" }, el("span", {}, session.staff.name), " ", logout),
    ),
  );
  return session.staff;
}

/** Run a page's main function, showing any failure in the alert region. */
export function run(main) {
  main().catch((error) => {
    if (error instanceof ApiError) announce(error.message, { error: true });
    else throw error;
  });
}
