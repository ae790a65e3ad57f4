// A main user's page: the unit's registrars, invite one by e-mail (they join when they accept,
// at /account/join), remove one, or file a removal request where only Celia can remove.
import {
  FormErrors,
  announce,
  api,
  emailProblem,
  generalProblem,
  requireSession,
  setText,
  startPage,
} from "./common.js";

const session = await requireSession();
if (session) {
  const form = document.getElementById("add-form");
  const errors = new FormErrors(form);
  const list = document.getElementById("registrars");
  const chooser = document.getElementById("unit");
  const units = session.registrar.units.filter((unit) => unit.role === "main_user"); // managed ones

  const unitId = () => Number(chooser.value);
  const unitName = () => units.find((unit) => unit.id === unitId())?.name ?? "";

  function personText(person) {
    const name = `${person.first_name} ${person.last_name}`.trim() || person.email;
    return { name, email: person.email };
  }

  function row(person) {
    const item = document.createElement("li");
    const { name } = personText(person);
    const who = document.createElement("p");
    const strong = document.createElement("strong");
    strong.textContent = name;
    const email = document.createElement("span");
    email.textContent = ` · ${person.email} · `;
    const role = document.createElement("span");
    setText(role, `role.${person.role}`);
    who.append(strong, email, role);
    if (person.locked) {
      const locked = document.createElement("span");
      locked.className = "tag";
      setText(locked, "unit.locked");
      who.append(" · ", locked);
    }
    const onlyCelia = person.role === "main_user" || person.id === session.registrar.id;
    const button = document.createElement("button");
    button.type = "button";
    setText(button, onlyCelia ? "unit.askRemove" : "unit.remove", { name });
    button.addEventListener("click", () =>
      onlyCelia ? askCelia(person, button) : remove(person),
    );
    item.append(who, button);
    return item;
  }

  async function refresh() {
    setText(document.getElementById("list-title"), "unit.list", { unit: unitName() });
    const result = await api(`units/${unitId()}/registrars`);
    if (result.status !== 200) {
      announce(result.status === 403 ? "err.unit.notMain" : generalProblem(result));
      return;
    }
    list.replaceChildren(...result.data.map(row));
  }

  async function remove(person) {
    const result = await api(`units/${unitId()}/registrars/${person.id}`, { method: "DELETE" });
    if (result.status === 204) {
      announce("unit.removed", { name: personText(person).name });
      await refresh();
      list.closest("section").querySelector("h2").setAttribute("tabindex", "-1");
      list.closest("section").querySelector("h2").focus();
    } else if (result.status === 409) {
      await askCelia(person);
    } else {
      announce(generalProblem(result));
    }
  }

  async function askCelia(person, button) {
    const result = await api("requests/registrar-removal", {
      method: "POST",
      body: { registrar_id: person.id, unit_id: unitId() },
      headers: { "Idempotency-Key": `removal-${unitId()}-${person.id}-${crypto.randomUUID()}` },
    });
    if (result.status === 201) {
      announce("unit.requestFiled", { reference: result.data.reference });
      if (button) button.disabled = true;
    } else {
      announce(generalProblem(result));
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    errors.clear();
    const email = form.email.value.trim();
    const problem = emailProblem(email);
    if (problem) errors.add("email", problem);
    if (!errors.show()) return;
    const result = await api(`units/${unitId()}/registrars`, { method: "POST", body: { email } });
    if (result.status === 202) {
      form.reset();
      announce("unit.invited");
    } else if (result.status === 403) {
      errors.showGeneral("err.unit.notMain");
    } else {
      errors.showGeneral(generalProblem(result));
    }
  });

  for (const unit of units) {
    const option = document.createElement("option");
    option.value = String(unit.id);
    option.textContent = unit.name;
    chooser.append(option);
  }
  document.getElementById("unit-choice").hidden = units.length < 2;
  chooser.addEventListener("change", refresh);
  await startPage({ session });
  if (session.registrar.role !== "main_user" || !units.length) {
    announce("err.unit.notMain");
    for (const section of document.querySelectorAll("main section")) section.hidden = true;
  } else {
    await refresh();
  }
}
