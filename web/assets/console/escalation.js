// One escalation: redacted transcript, replies to the registrar's chat, notes, assign, resolve.
import {
  LABELS,
  announce,
  assigneeText,
  auditList,
  call,
  colleagueChooser,
  durationSince,
  el,
  facts,
  formatTime,
  run,
  startPage,
} from "./common.js";

const id = Number(location.pathname.split("/").pop());
const SPEAKERS = { user: "Rekisteröijä", bot: "Avustaja" };
const LANGUAGE_NAMES = { fi: "suomi", sv: "ruotsi", en: "englanti" };
let staff = null;
let canned = [];
let colleagues = [];

/** Pick a canned reply (a select, then the button or Enter) and insert its text in the
 * conversation's language at the reply box's cursor. */
function cannedPicker(language) {
  if (!canned.length) return null;
  const select = el(
    "select",
    { id: "canned" },
    el("option", { value: "" }, "Valitse…"),
    ...canned.map((reply) => el("option", { value: String(reply.id) }, reply.title)),
  );
  const insert = el("button", { type: "button", id: "canned-insert" }, "Lisää vastaukseen");
  const add = () => {
    const chosen = canned.find((reply) => String(reply.id) === select.value);
    const box = document.getElementById("reply");
    if (!chosen || !box) {
      announce("Valitse ensin valmis vastaus.", { error: true });
      select.focus();
      return;
    }
    const text = chosen[`text_${language}`];
    const at = box.selectionStart ?? box.value.length;
    box.value = box.value.slice(0, at) + text + box.value.slice(box.selectionEnd ?? at);
    box.focus();
    box.setSelectionRange(at + text.length, at + text.length);
    announce(`Lisätty valmis vastaus ”${chosen.title}” (${LANGUAGE_NAMES[language]}).`);
  };
  insert.addEventListener("click", add);
  select.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      add();
    }
  });
  return el(
    "div",
    { className: "field canned" },
    el("label", { for: "canned" }, `Valmis vastaus (kielellä: ${LANGUAGE_NAMES[language]})`),
    el("div", { className: "checkbox" }, select, insert),
  );
}

/** The conversation's turns, their text marked in the conversation's language. */
function transcript(text, lang) {
  const turns = [];
  for (const line of text.split("\n")) {
    const match = /^(user|bot): (.*)$/.exec(line);
    if (match) turns.push({ speaker: match[1], text: match[2] });
    else if (turns.length) turns[turns.length - 1].text += `\n${line}`;
  }
  return el(
    "ol",
    { className: "transcript" },
    ...turns.map((turn) =>
      el("li", { className: turn.speaker }, el("strong", {}, `${SPEAKERS[turn.speaker]}: `), el("span", { lang }, turn.text)),
    ),
  );
}

/** `lang`: the language the text is written in (a reply: the conversation's). */
function textForm({ title, label, button, name, onSubmit, extra = null, lang = "fi" }) {
  const input = el("textarea", { id: name, name, rows: 3, maxLength: 4000, required: true, lang });
  const form = el(
    "form",
    { className: "card", ariaLabel: title },
    extra,
    el("div", { className: "field" }, el("label", { for: name }, label), input),
    el("button", { type: "submit", className: "primary" }, button),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.value.trim()) {
      announce(`Kirjoita ensin: ${label.toLowerCase()}.`, { error: true });
      input.focus();
      return;
    }
    await act(() => onSubmit(input.value.trim()), name);
  });
  return form;
}

async function act(action, focusName) {
  try {
    const [detail, message] = await action();
    render(detail);
    announce(message);
    document.getElementById(focusName)?.focus();
  } catch (error) {
    announce(error.message, { error: true });
  }
}

function render(detail) {
  const { escalation } = detail;
  document.title = `${escalation.reference} – Celian henkilökunnan konsoli`;
  document.getElementById("title").textContent = `Eskalaatio ${escalation.reference}`;
  const resolved = escalation.status === "resolved";
  const post = (path, body) => call(`/escalations/${id}/${path}`, { method: "POST", body });

  const actions = el("div", { className: "actions" });
  if (escalation.assignee_id !== staff.id) {
    const assign = el("button", { type: "button", id: "assign" }, "Ota itselleni");
    assign.addEventListener("click", () =>
      act(async () => [await post("assign", { assignee_id: staff.id }), "Eskalaatio on nyt sinulla."], "assign"),
    );
    actions.append(assign);
  }
  actions.append(
    ...colleagueChooser(colleagues, staff, (colleague) =>
      act(
        async () => [await post("assign", { assignee_id: colleague.id }), `Eskalaatio on nyt käsittelijällä ${colleague.name}.`],
        "give",
      ),
    ),
  );
  const toggle = el("button", { type: "button", id: "toggle-status" }, resolved ? "Avaa uudelleen" : "Merkitse ratkaistuksi");
  toggle.addEventListener("click", () =>
    act(
      async () => [
        await post("status", { status: resolved ? "open" : "resolved" }),
        resolved ? "Eskalaatio avattiin uudelleen." : "Eskalaatio on ratkaistu.",
      ],
      "toggle-status",
    ),
  );
  actions.append(toggle);

  const messages = detail.messages.length
    ? el(
        "ol",
        { className: "messages" },
        ...detail.messages.map((message) =>
          el(
            "li",
            { className: message.kind },
            el("strong", {}, message.kind === "reply" ? "Vastaus rekisteröijälle" : "Sisäinen muistiinpano"),
            ` · ${formatTime(message.created_at)}`,
            el("p", message.kind === "reply" ? { lang: escalation.language } : {}, message.text),
          ),
        ),
      )
    : el("p", {}, "Ei vielä vastauksia eikä muistiinpanoja.");

  const forms = [
    resolved
      ? el("p", {}, "Ratkaistuun eskalaatioon ei voi vastata; avaa se ensin uudelleen.")
      : textForm({
          title: "Vastaa rekisteröijälle",
          label: "Vastaus rekisteröijälle (näkyy chatissa)",
          button: "Lähetä vastaus",
          name: "reply",
          extra: cannedPicker(escalation.language),
          lang: escalation.language,
          onSubmit: async (text) => [await post("replies", { text }), "Vastaus lähetetty chattiin."],
        }),
    textForm({
      title: "Kirjoita muistiinpano",
      label: "Sisäinen muistiinpano",
      button: "Tallenna muistiinpano",
      name: "note",
      onSubmit: async (text) => [await post("notes", { text }), "Muistiinpano tallennettu."],
    }),
  ];

  document.getElementById("detail").replaceChildren(
    facts([
      ["Syy", LABELS.reason[escalation.reason]],
      ["Tila", LABELS.status[escalation.status]],
      ["Luotu", formatTime(escalation.created_at)],
      ["Kieli", LANGUAGE_NAMES[escalation.language] ?? escalation.language],
      ["Odottanut", escalation.waiting_since ? durationSince(escalation.waiting_since) : "Ei odota vastausta"],
      [
        "Rekisteröijä",
        escalation.registrar_id !== null
          ? `#${escalation.registrar_id}`
          : escalation.reply_by_email
            ? "Ei kirjautunut; jätti osoitteen vastausta varten"
            : "Ei kirjautunut",
      ],
      ["Käsittelijä", assigneeText(escalation.assignee_id, staff, new Map(colleagues.map((c) => [c.id, c.name])))],
    ]),
    actions,
    el("h2", {}, "Keskustelu (henkilötiedot peitetty)"),
    transcript(detail.transcript, escalation.language),
    el("h2", {}, "Vastaukset ja muistiinpanot"),
    messages,
    ...forms,
    el("h2", {}, "Tapahtumat"),
    auditList(detail.audit),
  );
}

run(async () => {
  staff = await startPage("queue");
  [canned, colleagues] = await Promise.all([call("/canned-replies"), call("/colleagues")]);
  render(await call(`/escalations/${id}`));
});
