// Questions the FAQ did not answer, grouped with counts (most asked first).
import { announce, call, el, formatTime, run, startPage } from "./common.js";
import { showAnswerFeedback } from "./feedback.js";

function table(groups) {
  const head = el(
    "tr",
    {},
    ...["Kysymys (henkilötiedot peitetty)", "Kertaa", "Viimeksi", "Eskalaatiot"].map((text) =>
      el("th", { scope: "col" }, text),
    ),
  );
  const rows = groups.map((group) =>
    el(
      "tr",
      {},
      el("td", {}, group.question),
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
  const { groups, total } = await call("/insights/unanswered-questions");
  document.getElementById("questions").replaceChildren(groups.length ? table(groups) : el("p", {}, "Ei vastaamattomia kysymyksiä."));
  const rated = await showAnswerFeedback();
  announce(`${groups.length} erilaista kysymystä, yhteensä ${total} kertaa. Palautetta ${rated} vastauksesta.`);
});
