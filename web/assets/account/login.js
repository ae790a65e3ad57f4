// Log in. A locked account is told that Celia unlocks it and how to ask; an unverified one goes
// to the code page. Afterwards the profile's language is adopted and the page asked for opens.
import {
  FormErrors,
  adoptLanguage,
  api,
  detail,
  emailProblem,
  flash,
  generalProblem,
  rememberEmail,
  rememberedEmail,
  startPage,
} from "./common.js";

const form = document.getElementById("login-form");
const errors = new FormErrors(form);
form.email.value = rememberedEmail();

function nextPage() {
  const next = new URLSearchParams(location.search).get("next") ?? "";
  return /^\/account\/[a-z]+$/.test(next) ? next : "/account/profile";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.clear();
  const email = form.email.value.trim();
  const emailError = emailProblem(email);
  if (emailError) errors.add("email", emailError);
  if (!form.password.value) errors.add("password", "err.password.missing");
  if (!errors.show()) return;
  const result = await api("auth/login", {
    method: "POST",
    body: { email, password: form.password.value },
  });
  if (result.status === 200) {
    adoptLanguage(result.data.registrar);
    if (result.data.password_change_required) flash("profile.expired");
    location.assign(nextPage());
  } else if (result.status === 401) {
    errors.add("password", "err.login.wrong");
    errors.show();
  } else if (result.status === 403 && detail(result).includes("Verify")) {
    rememberEmail(email);
    flash("verify.needed");
    location.assign("/account/verify");
  } else if (result.status === 403) {
    errors.showGeneral("err.login.locked");
  } else {
    errors.showGeneral(generalProblem(result));
  }
});

await startPage();
