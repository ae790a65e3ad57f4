// Staff log-in; on success go back to the console page that asked for it.
import { announce, call, el } from "./common.js";

const form = document.getElementById("login-form");
const brand = el("span", { className: "brand" }, "Celia · henkilökunnan konsoli");
document.querySelector(".console-header").append(el("div", { className: "wrap header-row" }, brand));

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") || "/staff";
  return /^\/staff(?:[/?]|$)/.test(next) ? next : "/staff";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    announce("Kirjoita sähköpostiosoite ja salasana.", { error: true });
    return;
  }
  try {
    await call("/auth/login", { method: "POST", body: { email, password } });
    location.assign(nextPage());
  } catch (error) {
    const messages = {
      401: "Sähköposti tai salasana on väärin.",
      429: "Liian monta epäonnistunutta yritystä. Yritä uudelleen 15 minuutin kuluttua.",
    };
    announce(messages[error.status] ?? error.message, { error: true });
    form.password.focus();
  }
});
