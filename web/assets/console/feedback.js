// Registrars' "Was this helpful?" votes per FAQ entry, the most "no" votes first, with the
// (redacted) comments.
import { call, el, formatTime } from "./common.js";

function comments(list) {
  if (!list.length) return "–";
  return el(
    "ul",
    { className: "comments" },
    ...list.map((item) =>
      el("li", {}, `${item.helpful ? "Kyllä" : "Ei"} · ${formatTime(item.created_at)}: ${item.comment}`),
    ),
  );
}

function table(entries) {
  const head = el(
    "tr",
    {},
    ...["FAQ-merkintä", "Ei auttanut", "Auttoi", "Kommentit (henkilötiedot peitetty)"].map((text) =>
      el("th", { scope: "col" }, text),
    ),
  );
  const rows = entries.map((entry) =>
    el(
      "tr",
      {},
      el("td", {}, el("strong", {}, entry.entry_id), el("br"), entry.question),
      el("td", { className: "number" }, String(entry.no)),
      el("td", { className: "number" }, String(entry.yes)),
      el("td", {}, comments(entry.comments)),
    ),
  );
  return el(
    "table",
    {},
    el("caption", {}, "Palaute vastauksista, eniten ”ei auttanut” -ääniä ensin"),
    el("thead", {}, head),
    el("tbody", {}, ...rows),
  );
}

/** Fill #feedback; returns the number of entries with votes. */
export async function showAnswerFeedback() {
  const { entries } = await call("/insights/answer-feedback");
  document
    .getElementById("feedback")
    .replaceChildren(entries.length ? table(entries) : el("p", {}, "Vastauksista ei ole vielä palautetta."));
  return entries.length;
}
