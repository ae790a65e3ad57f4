// The FAQ content: entries to review, search over all entries and topics, source documents.
import { LABELS, announce, call, el, run, startPage } from "./common.js";

const KIND = { entry: "Merkintä", topic: "Aihe, johon aineisto ei vastaa" };

function table(caption, items) {
  const head = el(
    "tr",
    {},
    ...["Merkintä", "Laji", "Viimeisin versio", "Tarkistettava", "Ei auttanut"].map((text) => el("th", { scope: "col" }, text)),
  );
  const rows = items.map((item) =>
    el(
      "tr",
      {},
      el(
        "th",
        { scope: "row" },
        el("a", { href: `/staff/faq/edit?kind=${item.kind}&key=${encodeURIComponent(item.key)}` }, item.title),
        el("br"),
        el("code", {}, item.key),
      ),
      el("td", {}, KIND[item.kind]),
      el("td", {}, LABELS.faqStatus[item.latest_status] ?? item.latest_status),
      el("td", {}, item.review_by ?? "–"),
      el("td", { className: "number" }, String(item.not_helpful)),
    ),
  );
  return el("table", {}, el("caption", {}, caption), el("thead", {}, head), el("tbody", {}, ...rows));
}

async function search(form) {
  const query = new URLSearchParams();
  if (form.q.value.trim()) query.set("q", form.q.value.trim());
  if (form.kind.value) query.set("kind", form.kind.value);
  const items = await call(`/faq/items?${query}`);
  document.getElementById("items").replaceChildren(table(`Merkinnät ja aiheet (${items.length})`, items));
  return items.length;
}

async function showSources() {
  const sources = await call("/faq/sources");
  const rows = sources.map((source) =>
    el("tr", {}, el("th", { scope: "row" }, source.name), el("td", {}, source.titles.fi ?? "–"), el("td", { className: "number" }, String(source.characters))),
  );
  const head = el("tr", {}, ...["Tiedosto", "Otsikko", "Merkkejä"].map((text) => el("th", { scope: "col" }, text)));
  document
    .getElementById("sources")
    .replaceChildren(el("table", {}, el("caption", {}, `Lähdeasiakirjat (${sources.length})`), el("thead", {}, head), el("tbody", {}, ...rows)));
}

run(async () => {
  await startPage("faq");
  const review = await call("/faq/review");
  document
    .getElementById("review")
    .replaceChildren(review.length ? table(`Tarkistettavat (${review.length})`, review) : el("p", {}, "Ei tarkistettavia."));
  const form = document.getElementById("search");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(async () => announce(`${await search(form)} osumaa.`));
  });
  const count = await search(form);
  await showSources();
  const sourceForm = document.getElementById("new-source");
  sourceForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = {
      name: sourceForm.name.value.trim(),
      titles: { fi: sourceForm.title_fi.value.trim(), sv: sourceForm.title_sv.value.trim(), en: sourceForm.title_en.value.trim() },
      text: sourceForm.text.value,
    };
    run(async () => {
      await call("/faq/sources", { method: "POST", body });
      sourceForm.reset();
      await showSources();
      announce(`Lähde ${body.name} lisätty.`);
    });
  });
  announce(`${count} merkintää ja aihetta, ${review.length} tarkistettavaa.`);
});
