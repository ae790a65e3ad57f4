// One's own account: active log-ins (end the others) and a password change.
import { announce, call, el, formatTime, run, startPage } from "./common.js";

async function loadSessions() {
  const sessions = await call("/auth/sessions");
  const head = el("tr", {}, ...["Aloitettu", "Viimeksi käytetty", ""].map((text) => el("th", { scope: "col" }, text)));
  const rows = sessions.map((session) =>
    el(
      "tr",
      {},
      el("td", {}, formatTime(session.created_at)),
      el("td", {}, formatTime(session.last_seen_at)),
      el("td", {}, session.current ? "Tämä kirjautuminen" : ""),
    ),
  );
  document
    .getElementById("sessions")
    .replaceChildren(
      el("table", {}, el("caption", {}, `Voimassa olevat kirjautumiset (${sessions.length})`), el("thead", {}, head), el("tbody", {}, ...rows)),
    );
  return sessions.length;
}

run(async () => {
  await startPage("account");
  await loadSessions();
  document.getElementById("end-others").addEventListener("click", async () => {
    try {
      await call("/auth/sessions/end-others", { method: "POST" });
      await loadSessions();
      announce("Muut kirjautumiset on kirjattu ulos.");
    } catch (error) {
      announce(error.message, { error: true });
    }
  });
  const form = document.getElementById("password-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.new.value !== form.again.value) {
      announce("Uudet salasanat eroavat toisistaan.", { error: true });
      form.again.focus();
      return;
    }
    try {
      await call("/auth/password", {
        method: "POST",
        body: { current_password: form.current.value, new_password: form.new.value },
      });
      form.reset();
      await loadSessions();
      announce("Salasana vaihdettu. Muut kirjautumiset on kirjattu ulos.");
    } catch (error) {
      announce(error.message, { error: true });
    }
  });
});
