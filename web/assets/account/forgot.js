// Forgotten password: the answer is the same whatever the address (the chat and the API say
// the same words); the e-mail holds a link to the set-new-password page.
import { FormErrors, announce, api, emailProblem, generalProblem, startPage } from "./common.js";

const form = document.getElementById("forgot-form");
const errors = new FormErrors(form);

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.clear();
  const email = form.email.value.trim();
  const emailError = emailProblem(email);
  if (emailError) errors.add("email", emailError);
  if (!errors.show()) return;
  const result = await api("auth/password-reset", { method: "POST", body: { email } });
  if (result.status === 202) announce("forgot.sent");
  else errors.showGeneral(generalProblem(result));
});

await startPage();
