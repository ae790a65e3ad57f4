// Admin staff only: staff users (add, role, disable/enable, unlock, second-factor reset,
// set-password link) and units (add, rename, close, appoint or invite the main user).
import { ApiError, announce, call, el, run, startPage } from "./common.js";

const ROLES = { agent: "Käsittelijä", admin: "Ylläpitäjä" };
const KINDS = { library: "Kirjasto", school: "Koulu", higher_education: "Korkeakoulu", other: "Muu yhteisö" };
let me = null;

/** Run an admin action, reload the tables, then say `message` (or `message(result)`). */
async function act(action, message) {
  try {
    const result = await action();
    await load();
    announce(typeof message === "function" ? message(result) : message);
  } catch (error) {
    announce(error.message, { error: true });
  }
}

function actionButton(text, person, action, message) {
  const button = el("button", { type: "button", ariaLabel: `${text}: ${person}` }, text);
  button.addEventListener("click", () => act(action, message));
  return button;
}

function staffRow(staff) {
  const base = `/admin/staff/${staff.id}`;
  const post = (path) => () => call(`${base}/${path}`, { method: "POST" });
  const actions = [];
  if (staff.id !== me.id) {
    actions.push(
      staff.active
        ? actionButton("Poista käytöstä", staff.name, post("disable"), `${staff.name}: tunnus poistettu käytöstä.`)
        : actionButton("Ota käyttöön", staff.name, post("enable"), `${staff.name}: tunnus otettu käyttöön.`),
    );
    const role = staff.role === "admin" ? "agent" : "admin";
    actions.push(
      actionButton(
        role === "admin" ? "Tee ylläpitäjäksi" : "Tee käsittelijäksi",
        staff.name,
        () => call(`${base}/role`, { method: "POST", body: { role } }),
        `${staff.name}: rooli on nyt ${ROLES[role].toLowerCase()}.`,
      ),
    );
  }
  if (staff.locked) {
    actions.push(actionButton("Avaa lukitus", staff.name, post("unlock"), `${staff.name}: lukitus avattu.`));
  }
  if (staff.second_factor) {
    actions.push(
      actionButton(
        "Nollaa kaksivaiheinen tunnistus",
        staff.name,
        post("reset-second-factor"),
        `${staff.name}: kaksivaiheinen tunnistus nollattu; otetaan uudelleen käyttöön seuraavalla kirjautumisella.`,
      ),
    );
  }
  actions.push(
    actionButton("Lähetä salasanalinkki", staff.name, post("password-link"), `${staff.name}: salasanalinkki lähetetty.`),
  );
  const state = [staff.active ? "Käytössä" : "Poistettu käytöstä", staff.locked ? "lukittu" : null]
    .filter(Boolean)
    .join(", ");
  return el(
    "tr",
    {},
    el("th", { scope: "row" }, staff.name),
    el("td", {}, staff.email),
    el("td", {}, ROLES[staff.role]),
    el("td", {}, state),
    el("td", {}, staff.second_factor ? "Käytössä" : "Ei vielä"),
    el("td", {}, el("div", { className: "row-actions" }, ...actions)),
  );
}

function table(caption, headings, rows) {
  const head = el("tr", {}, ...headings.map((text) => el("th", { scope: "col" }, text)));
  return el("table", {}, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, ...rows));
}

async function load() {
  const [staff, units] = await Promise.all([call("/admin/staff"), call("/admin/units")]);
  document
    .getElementById("staff-table")
    .replaceChildren(
      table(
        `Henkilökunta (${staff.length})`,
        ["Nimi", "Sähköposti", "Rooli", "Tila", "Kaksivaiheinen tunnistus", "Toiminnot"],
        staff.map(staffRow),
      ),
    );
  const unitRows = units.map((unit) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, unit.name),
      el("td", {}, KINDS[unit.kind] ?? unit.kind),
      el("td", {}, unit.closed_at ? "Suljettu" : "Avoin"),
    ),
  );
  document
    .getElementById("units-table")
    .replaceChildren(table(`Yksiköt (${units.length})`, ["Nimi", "Tyyppi", "Tila"], unitRows));
  const select = document.getElementById("unit-select");
  const chosen = select.value;
  select.replaceChildren(
    ...units.filter((unit) => !unit.closed_at).map((unit) => el("option", { value: String(unit.id) }, unit.name)),
  );
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
}

function wireForms() {
  const newStaff = document.getElementById("new-staff");
  newStaff.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { email: newStaff.email.value.trim(), name: newStaff.name.value.trim(), role: newStaff.role.value };
    act(async () => {
      await call("/admin/staff", { method: "POST", body });
      newStaff.reset();
    }, `${body.name} lisätty; salasanalinkki lähetetty osoitteeseen ${body.email}.`);
  });
  const newUnit = document.getElementById("new-unit");
  newUnit.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { name: newUnit.name.value.trim(), kind: newUnit.kind.value };
    act(async () => {
      await call("/admin/units", { method: "POST", body });
      newUnit.reset();
    }, `Yksikkö ${body.name} lisätty.`);
  });
  const form = document.getElementById("unit-actions");
  form.addEventListener("submit", (event) => event.preventDefault());
  const unitPath = () => `/admin/units/${form.unit.value}`;
  const unitName = () => form.unit.selectedOptions[0]?.textContent ?? "";
  document.getElementById("rename-unit").addEventListener("click", () => {
    const name = form.new_name.value.trim();
    act(async () => {
      await call(`${unitPath()}/rename`, { method: "POST", body: { name } });
      form.new_name.value = "";
    }, `Yksikön uusi nimi on ${name}.`);
  });
  document.getElementById("invite-main-user").addEventListener("click", () => {
    const email = form.main_user_email.value.trim();
    const unit = unitName();
    act(
      () => call(`${unitPath()}/main-user`, { method: "POST", body: { email } }),
      ({ result }) =>
        result === "promoted"
          ? `${email} on nyt yksikön ${unit} pääkäyttäjä.`
          : `Kutsu yksikön ${unit} pääkäyttäjäksi lähetetty osoitteeseen ${email}.`,
    );
  });
  document.getElementById("close-unit").addEventListener("click", () => {
    const unit = unitName();
    act(() => call(`${unitPath()}/close`, { method: "POST" }), `Yksikkö ${unit} suljettu.`);
  });
}

run(async () => {
  me = await startPage("admin");
  try {
    await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      announce("Vain ylläpitäjät hallitsevat henkilökuntaa ja yksiköitä.", { error: true });
      return;
    }
    throw error;
  }
  wireForms();
  document.getElementById("admin-parts").hidden = false;
});
