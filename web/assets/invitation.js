// An invited main user creates the account (the token is in the link's fragment) and verifies
// the e-mail address with the mailed code.
const token = new URLSearchParams(location.hash.slice(1)).get("token") ?? "";
const registerForm = document.getElementById("register-form");
const verifyForm = document.getElementById("verify-form");
const status = document.getElementById("status");
const alertBox = document.getElementById("alert");
let email = "";

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join(" ") : data.detail;
    throw new Error(detail || `Pyyntö epäonnistui (${response.status}).`);
  }
  return data;
}

function say(text, { error = false } = {}) {
  status.textContent = error ? "" : text;
  alertBox.textContent = error ? text : "";
}

registerForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const result = await post("/api/v1/invitations/main-user", {
      token,
      first_name: registerForm.first_name.value.trim(),
      last_name: registerForm.last_name.value.trim(),
      password: registerForm.password.value,
      language: "fi",
    });
    email = result.email;
    history.replaceState(null, "", location.pathname);
    document.getElementById("email").textContent = email;
    registerForm.hidden = true;
    verifyForm.hidden = false;
    say("");
    document.getElementById("verify-title").focus();
  } catch (error) {
    say(error.message, { error: true });
  }
});

verifyForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await post("/api/v1/auth/verify", { email, code: verifyForm.code.value.trim() });
    verifyForm.hidden = true;
    const link = document.createElement("a");
    link.href = "/";
    link.textContent = "Kirjaudu sisään";
    status.replaceChildren("Sähköpostiosoite vahvistettu. ", link, ".");
    alertBox.textContent = "";
  } catch (error) {
    say(error.message, { error: true });
  }
});
