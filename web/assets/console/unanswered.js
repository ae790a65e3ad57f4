// Questions the FAQ did not answer, grouped with counts (most asked first).
import { announce, call, el, formatTime, run, startPage } from "./common.js";
import { showAnswerFeedback } from "./feedback.js";

const LANGS = { fi: "suomi", sv: "ruotsi", en: "englanti" };

// From a gap to the FAQ in one step: a new draft entry, or the question as a phrasing of an
// existing entry (a new draft version of it).
function toFaq(group, index, entries) {
  const draft = el("a", { href: `/staff/faq/edit?new=entry&question=${encodeURIComponent(group.question)}&lang=${group.language}` }, "Uusi luonnos");
  const entry = el("select", { id: `entry-${index}`, name: "entry" }, ...entries.map((item) => el("option", { value: item.key }, item.title)));
  const lang = el(
    "select",
    { id: `lang-${index}`, name: "lang" },
    ...Object.entries(LANGS).map(([code, name]) => el("option", { value: code, selected: code === group.language }, name)),
  );
  const form = el(
    "form",
    { className: "row-actions", ariaLabel: `Lisää kysymys ”${group.question}” merkintään` },
    el("label", { for: `entry-${index}` }, "Merkintä"),
    entry,
    el("label", { for: `lang-${index}` }, "Kieli"),
    lang,
    el("button", { type: "submit", className: "secondary" }, "Lisää kysymysmuodoksi"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => {
      const body = { questions: [{ q: group.question, lang: lang.value }] };
      await call(`/faq/items/entry/${encodeURIComponent(entry.value)}/phrasings`, { method: "POST", body });
      announce(`Kysymys lisätty luonnokseksi merkintään ”${entry.selectedOptions[0].textContent}”; hyväksy ja julkaise se FAQ-sisällössä.`);
    });
  });
  return el("div", {}, draft, form);
}

function table(groups, entries) {
  const head = el(
    "tr",
    {},
    ...["Kysymys (henkilötiedot peitetty)", "Kertaa", "Viimeksi", "Eskalaatiot", "FAQ:hun"].map((text) =>
      el("th", { scope: "col" }, text),
    ),
  );
  const rows = groups.map((group, index) =>
    el(
      "tr",
      {},
      el("td", { lang: group.language }, group.question),
      el("td", { className: "number" }, String(group.count)),
      el("td", {}, formatTime(group.last_asked_at)),
      el(
        "td",
        {},
        el(
          "ul",
          { className: "inline" },
          ...group.escalations.map((ref) => el("li", {}, el("a", { href: `/staff/escalations/${ref.id}` }, ref.reference))),
        ),
      ),
      el("td", {}, toFaq(group, index, entries)),
    ),
  );
  return el(
    "table",
    {},
    el("caption", {}, "Vastaamattomat kysymykset, yleisimmät ensin"),
    el("thead", {}, head),
    el("tbody", {}, ...rows),
  );
}

run(async () => {
  await startPage("unanswered");
  const [{ groups, total }, entries] = await Promise.all([
    call("/insights/unanswered-questions"),
    call("/faq/items?kind=entry"),
  ]);
  document.getElementById("questions").replaceChildren(groups.length ? table(groups, entries) : el("p", {}, "Ei vastaamattomia kysymyksiä."));
  const rated = await showAnswerFeedback();
  announce(`${groups.length} erilaista kysymystä, yhteensä ${total} kertaa. Palautetta ${rated} vastauksesta.`);
});
