// One request: its data (hetu masked), approve or deny with a note, assign to me.
import {
  LABELS,
  announce,
  assigneeText,
  auditList,
  call,
  colleagueChooser,
  el,
  facts,
  formatTime,
  run,
  startPage,
} from "./common.js";

const id = Number(location.pathname.split("/").pop());
let staff = null;
let colleagues = [];

const DECISIONS = {
  approve: { button: "Hyväksy", done: "Pyyntö hyväksytty; rekisteröijälle lähtee sähköposti." },
  deny: { button: "Hylkää", done: "Pyyntö hylätty; rekisteröijälle lähtee sähköposti." },
};

async function act(action, message, focusId) {
  try {
    await action();
    render(await call(`/requests/${id}`));
    announce(message);
    document.getElementById(focusId)?.focus();
  } catch (error) {
    announce(error.message, { error: true });
  }
}

function decisionForm() {
  const note = el("textarea", { id: "note", name: "note", rows: 3, maxLength: 2000 });
  const form = el(
    "form",
    { className: "card" },
    el("h2", {}, "Päätös"),
    el(
      "div",
      { className: "field" },
      el("label", { for: "note" }, "Huomautus rekisteröijälle (valinnainen, tulee sähköpostiin)"),
      note,
    ),
  );
  const buttons = el("div", { className: "actions" });
  for (const [decision, { button }] of Object.entries(DECISIONS)) {
    const control = el("button", { type: "button", className: decision === "approve" ? "primary" : "" }, button);
    control.addEventListener("click", () =>
      act(
        () => call(`/requests/${id}/${decision}`, { method: "POST", body: { note: note.value.trim() || null } }),
        DECISIONS[decision].done,
        "title",
      ),
    );
    buttons.append(control);
  }
  form.append(buttons);
  return form;
}

function render({ request, audit }) {
  document.title = `${request.reference} – Celian henkilökunnan konsoli`;
  document.getElementById("title").textContent = `Pyyntö ${request.reference}`;
  const parts = [
    facts([
      ["Tyyppi", LABELS.kind[request.kind]],
      ["Tila", LABELS.status[request.status]],
      ["Asiakas (hetu peitetty)", request.customer_hetu_masked ?? "–"],
      ["Pyytäjä (rekisteröijä)", `#${request.registrar_id}`],
      ["Yksikkö", request.unit_id === null ? "–" : `#${request.unit_id}`],
      ["Poistettava rekisteröijä", request.target_registrar_id === null ? "–" : `#${request.target_registrar_id}`],
      ["Luotu", formatTime(request.created_at)],
      ["Käsittelijä", assigneeText(request.assignee_id, staff, new Map(colleagues.map((c) => [c.id, c.name])))],
      ["Päätetty", formatTime(request.decided_at)],
      ["Päätöksen huomautus", request.decision_note ?? "–"],
    ]),
  ];
  if (request.status === "open") {
    const assignTo = (assigneeId, message, focusId) =>
      act(() => call(`/requests/${id}/assign`, { method: "POST", body: { assignee_id: assigneeId } }), message, focusId);
    const actions = el("div", { className: "actions" });
    if (request.assignee_id !== staff.id) {
      const assign = el("button", { type: "button", id: "assign" }, "Ota itselleni");
      assign.addEventListener("click", () => assignTo(staff.id, "Pyyntö on nyt sinulla.", "note"));
      actions.append(assign);
    }
    actions.append(
      ...colleagueChooser(colleagues, staff, (colleague) =>
        assignTo(colleague.id, `Pyyntö on nyt käsittelijällä ${colleague.name}.`, "give"),
      ),
    );
    if (actions.childElementCount) parts.push(actions);
    parts.push(decisionForm());
  }
  parts.push(el("h2", {}, "Tapahtumat"), auditList(audit));
  document.getElementById("detail").replaceChildren(...parts);
}

run(async () => {
  staff = await startPage("queue");
  colleagues = await call("/colleagues");
  render(await call(`/requests/${id}`));
});
