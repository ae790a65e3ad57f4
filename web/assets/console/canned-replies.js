// Canned replies: list, add, change and delete the staff's reply templates (fi, sv, en).
import { announce, call, el, run, startPage } from "./common.js";

const FIELDS = ["title", "text_fi", "text_sv", "text_en"];
const form = document.getElementById("canned-form");
let editing = null; // the id being changed, or null for a new one

function setEditing(reply) {
  editing = reply ? reply.id : null;
  for (const name of FIELDS) form[name].value = reply ? reply[name] : "";
  document.getElementById("form-title").textContent = reply ? `Muokkaa: ${reply.title}` : "Uusi valmis vastaus";
  document.getElementById("cancel-edit").hidden = !reply;
  if (reply) document.getElementById("form-title").focus();
}

async function load() {
  const replies = await call("/canned-replies");
  const head = el("tr", {}, ...["Nimi", "Suomeksi", "Ruotsiksi", "Englanniksi", "Toiminnot"].map((text) => el("th", { scope: "col" }, text)));
  const rows = replies.map((reply) => {
    const change = el("button", { type: "button", ariaLabel: `Muokkaa ${reply.title}` }, "Muokkaa");
    change.addEventListener("click", () => setEditing(reply));
    const remove = el("button", { type: "button", ariaLabel: `Poista ${reply.title}` }, "Poista");
    remove.addEventListener("click", async () => {
      try {
        await call(`/canned-replies/${reply.id}`, { method: "DELETE" });
        if (editing === reply.id) setEditing(null);
        await load();
        announce(`Poistettu: ${reply.title}.`);
        form.title.focus();
      } catch (error) {
        announce(error.message, { error: true });
      }
    });
    return el(
      "tr",
      {},
      el("td", {}, reply.title),
      ...["fi", "sv", "en"].map((lang) => el("td", { className: "canned-text", lang }, reply[`text_${lang}`])),
      el("td", {}, el("div", { className: "actions" }, change, remove)),
    );
  });
  document
    .getElementById("replies")
    .replaceChildren(
      replies.length
        ? el("table", {}, el("caption", {}, `Valmiit vastaukset (${replies.length})`), el("thead", {}, head), el("tbody", {}, ...rows))
        : el("p", {}, "Ei vielä valmiita vastauksia."),
    );
}

run(async () => {
  await startPage("canned");
  await load();
  document.getElementById("cancel-edit").addEventListener("click", () => {
    setEditing(null);
    form.title.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const missing = FIELDS.find((name) => !form[name].value.trim());
    if (missing) {
      announce(`Täytä kenttä: ${form.querySelector(`label[for="${missing}"]`).textContent}.`, { error: true });
      form[missing].focus();
      return;
    }
    const body = Object.fromEntries(FIELDS.map((name) => [name, form[name].value.trim()]));
    try {
      const saved = editing
        ? await call(`/canned-replies/${editing}`, { method: "PUT", body })
        : await call("/canned-replies", { method: "POST", body });
      setEditing(null);
      await load();
      announce(`Tallennettu: ${saved.title}.`);
      form.title.focus();
    } catch (error) {
      announce(error.message, { error: true });
    }
  });
});
