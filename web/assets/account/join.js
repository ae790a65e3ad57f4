// Accept a main user's invitation to join a unit (the link in the invitation mail). The token
// is in the URL fragment, which browsers never send to a server; it is taken out of the
// address at once and kept in sessionStorage while the person logs in or registers first.
import { FormErrors, announce, api, generalProblem, requireSession, startPage } from "./common.js";

const KEY = "celia-join-token";
const fromLink = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromLink) {
  sessionStorage.setItem(KEY, fromLink);
  history.replaceState(null, "", location.pathname);
}

const session = await requireSession();
if (session) {
  const form = document.getElementById("join-form");
  const errors = new FormErrors(form);
  await startPage({ session });
  if (!sessionStorage.getItem(KEY)) {
    form.hidden = true;
    announce("join.missing");
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    const result = await api("units/invitations/accept", {
      method: "POST",
      body: { token: sessionStorage.getItem(KEY) ?? "" },
    });
    if (result.status === 200) {
      sessionStorage.removeItem(KEY);
      form.hidden = true;
      announce("join.done", { unit: result.data.unit_name });
    } else if (result.status === 422 || result.status === 409) {
      errors.showGeneral("err.join.unusable");
    } else {
      errors.showGeneral(generalProblem(result));
    }
  });
}
