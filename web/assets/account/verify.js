// The 24-hour verification code, with "send a new code". Wrong codes count as the API counts
// them: after too many the API refuses for an hour, and the page says so.
import {
  FormErrors,
  announce,
  api,
  emailProblem,
  generalProblem,
  rememberedEmail,
  startPage,
} from "./common.js";

const form = document.getElementById("verify-form");
const errors = new FormErrors(form);
form.email.value = rememberedEmail();

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errors.clear();
  const email = form.email.value.trim();
  const code = form.code.value.replace(/\s/g, "");
  const emailError = emailProblem(email);
  if (emailError) errors.add("email", emailError);
  if (!code) errors.add("code", "err.code.missing");
  else if (!/^\d{8}$/.test(code)) errors.add("code", "err.code.shape");
  if (!errors.show()) return;
  const result = await api("auth/verify", { method: "POST", body: { email, code } });
  if (result.status === 200) {
    form.hidden = true;
    document.getElementById("done").hidden = false;
    announce("verify.done");
    document.querySelector("#done a").focus();
  } else if (result.status === 422) {
    errors.add("code", "err.code.wrong");
    errors.show();
  } else if (result.status === 429) {
    errors.add("code", "err.code.tooMany");
    errors.show();
  } else {
    errors.showGeneral(generalProblem(result));
  }
});

document.getElementById("resend").addEventListener("click", async () => {
  errors.clear();
  const email = form.email.value.trim();
  const emailError = emailProblem(email);
  if (emailError) {
    errors.add("email", emailError);
    errors.show();
    return;
  }
  const result = await api("auth/verify/resend", { method: "POST", body: { email } });
  if (result.status === 202) announce("verify.sent");
  else errors.showGeneral(generalProblem(result));
});

await startPage();
