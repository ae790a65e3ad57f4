// Set a new password from the e-mail's link. The token is in the URL fragment, which browsers
// never send to a server; it is read here, taken out of the address (and so out of the
// history) at once, and POSTed. Without a link the code from the e-mail can be pasted.
// The page is served with Referrer-Policy: no-referrer.
import {
  FormErrors,
  adoptLanguage,
  announce,
  api,
  detail,
  flash,
  generalProblem,
  passwordProblem,
  serverPasswordProblem,
  startPage,
} from "./common.js";

const form = document.getElementById("reset-form");
const errors = new FormErrors(form);
const codeField = document.getElementById("code-field");
const askNew = document.getElementById("ask-new");

const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromLink) {
  history.replaceState(null, "", location.pathname);
  form.token.value = fromLink;
  codeField.hidden = true;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.clear();
  askNew.hidden = true;
  const token = form.token.value.trim();
  if (!token) {
    codeField.hidden = false;
    errors.add("token", "err.resetCode.missing");
  }
  const passwordError = passwordProblem(form.new_password.value);
  if (passwordError) errors.add("new_password", passwordError);
  if (!errors.show()) return;
  const result = await api("auth/password-reset/confirm", {
    method: "POST",
    body: { token, new_password: form.new_password.value },
  });
  if (result.status === 200 && result.data.session) {
    adoptLanguage(result.data.session.registrar);
    flash("profile.resetDone");
    location.assign("/account/profile");
  } else if (result.status === 200) {
    form.hidden = true;
    announce("reset.doneLocked");
  } else if (result.status === 422 && detail(result).includes("link or code")) {
    errors.showGeneral("err.reset.unusable");
    askNew.hidden = false;
  } else if (result.status === 422) {
    errors.add("new_password", serverPasswordProblem(detail(result)));
    errors.show();
  } else {
    errors.showGeneral(generalProblem(result));
  }
});

await startPage();
