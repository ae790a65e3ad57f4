// A new staff user's first password, from the one-time link (the token is in the URL's
// fragment, so it never reaches a server log).
import { announce, call, el } from "./common.js";

const form = document.getElementById("password-form");
const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
const brand = el("span", { className: "brand" }, "Celia · henkilökunnan konsoli");
document.querySelector(".console-header").append(el("div", { className: "wrap header-row" }, brand));

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (form.new.value !== form.again.value) {
    announce("Salasanat eroavat toisistaan.", { error: true });
    form.again.focus();
    return;
  }
  try {
    await call("/auth/set-password", { method: "POST", body: { token, password: form.new.value } });
    form.hidden = true;
    history.replaceState(null, "", location.pathname);
    const status = document.getElementById("status");
    status.replaceChildren("Salasana asetettu. ", el("a", { href: "/staff/login" }, "Kirjaudu sisään"), ".");
  } catch (error) {
    announce(error.message, { error: true });
  }
});
