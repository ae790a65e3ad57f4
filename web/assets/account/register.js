// Register: e-mail, names and a password with the rule shown before typing; then the code page.
import {
  FormErrors,
  api,
  detail,
  emailProblem,
  flash,
  generalProblem,
  passwordProblem,
  rememberEmail,
  serverPasswordProblem,
  startPage,
} from "./common.js";

const form = document.getElementById("register-form");
const errors = new FormErrors(form);
const NAMES = { first_name: "err.firstName.missing", last_name: "err.lastName.missing" };

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.clear();
  const email = form.email.value.trim();
  const emailError = emailProblem(email);
  if (emailError) errors.add("email", emailError);
  for (const [name, key] of Object.entries(NAMES)) {
    if (!form[name].value.trim()) errors.add(name, key);
  }
  const passwordError = passwordProblem(form.password.value);
  if (passwordError) errors.add("password", passwordError);
  if (!errors.show()) return;
  const result = await api("auth/register", {
    method: "POST",
    body: {
      email,
      first_name: form.first_name.value.trim(),
      last_name: form.last_name.value.trim(),
      password: form.password.value,
      language: document.documentElement.lang,
    },
  });
  if (result.status === 202) {
    rememberEmail(email);
    flash("verify.sent");
    location.assign("/account/verify");
    return;
  }
  if (result.status === 422) {
    const message = detail(result);
    if (message.includes("password")) errors.add("password", serverPasswordProblem(message));
    for (const name of Object.keys(NAMES)) {
      if (message.includes(`${name}:`)) errors.add(name, "err.name.invalid");
    }
    if (message.includes("email:")) errors.add("email", "err.email.shape");
    if (!errors.show()) return;
  }
  errors.showGeneral(generalProblem(result));
});

await startPage();
