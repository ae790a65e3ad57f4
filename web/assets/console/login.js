// Staff log-in: password, then a code from the authenticator app (or a recovery code); on the
// first log-in the second factor is enrolled here (QR code drawn by the backend, recovery codes
// shown once). On success go back to the console page that asked for it.
import { announce, call, el, setCsrfToken } from "./common.js";

const loginForm = document.getElementById("login-form");
const codeForm = document.getElementById("code-form");
const enrolment = document.getElementById("enrolment");
const enrolForm = document.getElementById("enrol-form");
const recovery = document.getElementById("recovery");
const brand = el("span", { className: "brand" }, "Celia · henkilökunnan konsoli");
document.querySelector(".console-header").append(el("div", { className: "wrap header-row" }, brand));

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/staff";
  return /^\/staff(?:[/?]|$)/.test(next) ? next : "/staff";
}

/** Show one step of the log-in and move the focus to its heading. */
function show(step, headingId) {
  for (const part of [loginForm, codeForm, enrolment, recovery]) part.hidden = part !== step;
  document.getElementById(headingId)?.focus();
}

/** A code field with an error is invalid and described by the error (the alert region);
 * the page moves on once a code is accepted. */
function markInvalid(field) {
  field.setAttribute("aria-invalid", "true");
  field.setAttribute("aria-describedby", "alert");
}

async function startEnrolment() {
  const data = await call("/auth/enrolment");
  document.getElementById("qr").src = data.qr_svg_url;
  document.getElementById("secret").textContent = data.secret.replace(/(.{4})/g, "$1 ").trim();
  show(enrolment, "enrolment-title");
}

const FAILURES = {
  401: "Sähköposti tai salasana on väärin.",
  403: "Tunnus on lukittu liian monen epäonnistuneen yrityksen jälkeen. Ylläpitäjä avaa lukituksen.",
  429: "Liian monta epäonnistunutta yritystä. Yritä uudelleen 15 minuutin kuluttua.",
};

loginForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = loginForm.email.value.trim();
  const password = loginForm.password.value;
  if (!email || !password) {
    announce("Kirjoita sähköpostiosoite ja salasana.", { error: true });
    return;
  }
  try {
    const session = await call("/auth/login", { method: "POST", body: { email, password } });
    setCsrfToken(session.csrf_token);
    announce("");
    if (session.stage === "enrolment") await startEnrolment();
    else show(codeForm, "code-title");
  } catch (error) {
    announce(FAILURES[error.status] ?? error.message, { error: true });
    loginForm.password.focus();
  }
});

codeForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = codeForm.code.value.trim().replace(/\s/g, "");
  if (!code) {
    announce("Kirjoita koodi.", { error: true });
    markInvalid(codeForm.code);
    codeForm.code.focus();
    return;
  }
  try {
    await call("/auth/second-factor", { method: "POST", body: { code } });
    location.assign(nextPage());
  } catch (error) {
    const messages = {
      401: "Koodi on väärä tai jo käytetty. Odota sovelluksen seuraavaa koodia.",
      403: FAILURES[403],
    };
    announce(messages[error.status] ?? error.message, { error: true });
    markInvalid(codeForm.code);
    codeForm.code.value = "";
    codeForm.code.focus();
  }
});

enrolForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const code = enrolForm.code.value.trim().replace(/\s/g, "");
  if (!/^\d{6}$/.test(code)) {
    announce("Kirjoita sovelluksen näyttämä kuusinumeroinen koodi.", { error: true });
    markInvalid(enrolForm.code);
    enrolForm.code.focus();
    return;
  }
  try {
    const result = await call("/auth/enrolment", { method: "POST", body: { code } });
    announce("");
    document
      .getElementById("recovery-codes")
      .replaceChildren(...result.recovery_codes.map((recoveryCode) => el("li", {}, el("code", {}, recoveryCode))));
    show(recovery, "recovery-title");
  } catch (error) {
    announce(error.message, { error: true });
    markInvalid(enrolForm.code);
    enrolForm.code.focus();
  }
});

document.getElementById("continue").addEventListener("click", () => location.assign(nextPage()));
