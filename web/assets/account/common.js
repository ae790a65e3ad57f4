// Shared by the registrar account pages: language (fi/sv/en, remembered in localStorage), the
// API with the session's CSRF token, the header's navigation, and forms that show errors beside
// each field and in a summary that takes focus. Text goes in with textContent only.

import { LANGUAGES, STRINGS } from "./strings.js";

const LANGUAGE_KEY = "celia-account-language";
const FLASH_KEY = "celia-account-flash";
const EMAIL_KEY = "celia-account-email";
const CODES = LANGUAGES.map((language) => language.code);

export function language() {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (CODES.includes(saved)) return saved;
  const browser = (navigator.language || "fi").slice(0, 2);
  return CODES.includes(browser) ? browser : "fi";
}

export function t(key, params = {}) {
  const text = STRINGS[language()][key] ?? STRINGS.fi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => params[name] ?? "");
}

/** Give an element a text by key; it follows later language switches. */
export function setText(element, key, params) {
  element.dataset.i18n = key;
  if (params) element.dataset.i18nParams = JSON.stringify(params);
  else delete element.dataset.i18nParams;
  element.textContent = t(key, params);
}

function translate() {
  document.documentElement.lang = language();
  for (const element of document.querySelectorAll("[data-i18n]")) {
    const params = element.dataset.i18nParams ? JSON.parse(element.dataset.i18nParams) : {};
    element.textContent = t(element.dataset.i18n, params);
  }
  for (const element of document.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t(element.dataset.i18nLabel));
  }
  const title = document.querySelector("h1");
  if (title) document.title = `${title.textContent} – Celia`;
  for (const button of document.querySelectorAll("#languages button")) {
    button.setAttribute("aria-pressed", String(button.lang === language()));
  }
}

export function setLanguage(code) {
  if (!CODES.includes(code)) return;
  localStorage.setItem(LANGUAGE_KEY, code);
  translate();
  document.dispatchEvent(new Event("languagechange"));
}

function languageSwitch() {
  const group = document.getElementById("languages");
  for (const { code, name } of LANGUAGES) {
    const button = document.createElement("button");
    button.type = "button";
    button.lang = code;
    button.textContent = name;
    button.addEventListener("click", () => setLanguage(code));
    group.append(button);
  }
}

// --- the API -----------------------------------------------------------------------------

function csrfToken() {
  const found = document.cookie.split("; ").find((part) => part.startsWith("celia_csrf="));
  return found ? decodeURIComponent(found.slice("celia_csrf=".length)) : "";
}

/** {status, data} of a JSON API call; status 0 when the server could not be reached. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  try {
    const response = await fetch(`/api/v1/${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        ...(method === "GET" ? {} : { "X-CSRF-Token": csrfToken() }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = response.status === 204 ? null : await response.json().catch(() => null);
    return { status: response.status, data };
  } catch {
    return { status: 0, data: null };
  }
}

export function detail(result) {
  return String(result.data?.detail ?? "");
}

/** The logged-in registrar's session, or null. */
export async function currentSession() {
  const result = await api("auth/me");
  return result.status === 200 ? result.data : null;
}

/** The session, or a trip to the log-in page that comes back here afterwards. */
export async function requireSession() {
  const session = await currentSession();
  if (!session) {
    location.assign(`/account/login?next=${encodeURIComponent(location.pathname)}`);
    return null;
  }
  return session;
}

/** Adopt the profile's language on this device (pages and mails then agree). */
export function adoptLanguage(registrar) {
  if (registrar?.language && registrar.language !== language()) setLanguage(registrar.language);
}

// --- messages carried to the next page ----------------------------------------------------

export function flash(key) {
  sessionStorage.setItem(FLASH_KEY, key);
}

export function rememberEmail(email) {
  sessionStorage.setItem(EMAIL_KEY, email);
}

export function rememberedEmail() {
  return sessionStorage.getItem(EMAIL_KEY) ?? "";
}

/** Show a message in the page's status region (role="status"). */
export function announce(key, params) {
  const status = document.getElementById("status");
  status.hidden = false;
  setText(status, key, params);
}

function showFlash() {
  const key = sessionStorage.getItem(FLASH_KEY);
  if (!key) return;
  sessionStorage.removeItem(FLASH_KEY);
  announce(key);
}

// --- navigation ---------------------------------------------------------------------------

function navigation(session) {
  const list = document.querySelector("#account-nav ul");
  const item = (child) => {
    const li = document.createElement("li");
    li.append(child);
    list.append(li);
  };
  const link = (href, key) => {
    const anchor = document.createElement("a");
    anchor.href = href;
    setText(anchor, key);
    if (location.pathname === href) anchor.setAttribute("aria-current", "page");
    item(anchor);
  };
  list.replaceChildren();
  if (!session) {
    link("/account/login", "nav.login");
    link("/account/register", "nav.register");
    return;
  }
  link("/account/profile", "nav.profile");
  if (session.registrar.role === "main_user") link("/account/unit", "nav.unit");
  const logout = document.createElement("button");
  logout.type = "button";
  setText(logout, "nav.logout");
  logout.addEventListener("click", async () => {
    const result = await api("auth/logout", { method: "POST" });
    if (result.status === 204 || result.status === 401) {
      flash("login.loggedOut");
      location.assign("/account/login");
    } else {
      announce("err.server");
    }
  });
  item(logout);
}

/** Set up the page: language switch, texts, navigation, a message from the previous page. */
export async function startPage({ session } = {}) {
  languageSwitch();
  translate();
  navigation(session === undefined ? await currentSession() : session);
  translate();
  showFlash();
  for (const input of document.querySelectorAll('input[type="password"]')) passwordToggle(input);
}

// --- forms ----------------------------------------------------------------------------------

function passwordToggle(input) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "show-password";
  button.setAttribute("aria-pressed", "false");
  button.setAttribute("aria-controls", input.id);
  setText(button, "password.show");
  button.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", String(show));
  });
  input.after(button);
}

const EMAIL_SHAPE = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;

export function emailProblem(value) {
  if (!value.trim()) return "err.email.missing";
  return EMAIL_SHAPE.test(value.trim()) ? null : "err.email.shape";
}

/** The first rule the password breaks (seed 003's rule; common passwords the server checks). */
export function passwordProblem(value) {
  if (!value) return ["err.password.missing"];
  if ([...value.normalize("NFC")].length < 8) return ["err.password.short"];
  const missing = [];
  if (!/\p{Lu}/u.test(value)) missing.push("part.upper");
  if (!/\p{Ll}/u.test(value)) missing.push("part.lower");
  if (!/\p{N}/u.test(value)) missing.push("part.digit");
  if (/^[\p{L}\p{N}]*$/u.test(value)) missing.push("part.special");
  return missing.length ? ["err.password.classes", missing] : null;
}

/** The key of the API's refusal of a new password (the server's message is in English). */
export function serverPasswordProblem(message) {
  if (message.includes("too common")) return "err.password.common";
  if (message.includes("differ")) return "err.password.same";
  if (message.includes("at most")) return "err.password.long";
  return "err.password.short";
}

/** Errors of one form: each beside its field (aria-invalid, aria-describedby) and listed in a
 * summary above the form that takes focus. Values typed stay as they are. */
export class FormErrors {
  constructor(form) {
    this.form = form;
    this.summary = document.getElementById(`${form.id}-summary`);
    this.problems = [];
    document.addEventListener("languagechange", () => this.renderParts());
  }

  clear() {
    this.problems = [];
    for (const message of this.form.querySelectorAll(".field-error")) message.remove();
    for (const input of this.form.querySelectorAll("[aria-invalid]")) {
      input.removeAttribute("aria-invalid");
      const described = (input.getAttribute("aria-describedby") ?? "")
        .split(" ")
        .filter((id) => id && !id.endsWith("-error"));
      if (described.length) input.setAttribute("aria-describedby", described.join(" "));
      else input.removeAttribute("aria-describedby");
    }
    this.summary.hidden = true;
    this.summary.querySelector("ul").replaceChildren();
  }

  /** `problem` is a key, or [key, parts] where parts are keys listed inside the message. */
  add(name, problem) {
    const [key, parts] = Array.isArray(problem) ? problem : [problem, null];
    const input = this.form.elements[name];
    const message = document.createElement("p");
    message.className = "field-error";
    message.id = `${input.id}-error`;
    message.dataset.parts = JSON.stringify(parts ?? []);
    message.dataset.key = key;
    const field = input.closest(".field");
    field.querySelector("label").after(message);
    input.setAttribute("aria-invalid", "true");
    const described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", [message.id, described].filter(Boolean).join(" "));
    this.problems.push({ input, message });
  }

  renderParts() {
    for (const { message } of this.problems) {
      const parts = JSON.parse(message.dataset.parts).map((part) => t(part));
      message.textContent = t(message.dataset.key, { missing: parts.join(", ") });
    }
    const list = this.summary.querySelector("ul");
    list.replaceChildren();
    for (const { input, message } of this.problems) {
      const link = document.createElement("a");
      link.href = `#${input.id}`;
      link.textContent = message.textContent;
      link.addEventListener("click", (event) => {
        event.preventDefault();
        input.focus();
      });
      const item = document.createElement("li");
      item.append(link);
      list.append(item);
    }
  }

  /** Show what was added; true when there was nothing to show. */
  show() {
    if (!this.problems.length) return true;
    this.renderParts();
    this.summary.hidden = false;
    this.summary.focus();
    return false;
  }

  /** One error for the whole form (no field to point at): the summary alone. */
  showGeneral(key) {
    this.clear();
    const list = this.summary.querySelector("ul");
    const item = document.createElement("li");
    setText(item, key);
    list.append(item);
    this.summary.hidden = false;
    this.summary.focus();
  }
}

/** Turn the API's general refusals (network, limits, server) into a summary message. */
export function generalProblem(result) {
  if (result.status === 0) return "err.network";
  if (result.status === 429) return "err.tooMany";
  return "err.server";
}
