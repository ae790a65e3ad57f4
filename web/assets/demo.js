// Registrar log-in on the demo page. The session is an HttpOnly cookie; the CSRF token from the
// log-in answer (or from /me) goes in the X-CSRF-Token header of state-changing requests.
// The chat widget needs nothing from here: the backend binds the logged-in registrar to the chat.

const form = document.getElementById("login-form");
const signedIn = document.getElementById("signed-in");
const signedInText = document.getElementById("signed-in-text");
const message = document.getElementById("login-message");
let csrfToken = null;

function show(session) {
  csrfToken = session?.csrf_token ?? null;
  form.hidden = Boolean(session);
  signedIn.hidden = !session;
  if (session) {
    const { first_name, last_name, units } = session.registrar;
    const unitNames = units.map((unit) => unit.name).join(", ");
    signedInText.textContent = `Olet kirjautunut: ${first_name} ${last_name}${unitNames ? ` (${unitNames})` : ""}.`;
  }
}

async function detail(response) {
  try {
    return (await response.json()).detail;
  } catch {
    return null;
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  message.textContent = "";
  const email = form.email.value.trim();
  const password = form.password.value;
  if (!email || !password) {
    message.textContent = "Kirjoita sähköpostiosoite ja salasana.";
    return;
  }
  try {
    const response = await fetch("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password }),
    });
    if (response.status === 401) {
      message.textContent = "Sähköposti tai salasana on väärin.";
    } else if (!response.ok) {
      message.textContent = `Kirjautuminen ei onnistunut: ${(await detail(response)) ?? response.status}`;
    } else {
      form.reset();
      show(await response.json());
      signedInText.setAttribute("tabindex", "-1");
      signedInText.focus();
    }
  } catch {
    message.textContent = "Palvelimeen ei saatu yhteyttä. Yritä hetken päästä uudelleen.";
  }
});

document.getElementById("logout").addEventListener("click", async () => {
  message.textContent = "";
  try {
    const response = await fetch("/api/v1/auth/logout", {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken ?? "" },
    });
    if (!response.ok && response.status !== 401) throw new Error(String(response.status));
    show(null);
    message.textContent = "Olet kirjautunut ulos.";
    form.email.focus();
  } catch {
    message.textContent = "Uloskirjautuminen ei onnistunut. Yritä uudelleen.";
  }
});

const me = await fetch("/api/v1/auth/me").catch(() => null);
show(me?.ok ? await me.json() : null);
