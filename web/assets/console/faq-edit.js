// One FAQ entry or not-covered topic: edit as a draft, approve, publish (through the
// regression gate), the version history with diffs, and rollback.
import { LABELS, announce, call, el, formatTime, run, startPage } from "./common.js";

const LANGS = { fi: "suomi", sv: "ruotsi", en: "englanti" };
const params = new URLSearchParams(location.search);
const kind = params.get("kind") ?? params.get("new") ?? "entry";
let key = params.get("key");
let latest = null; // the latest version's content

const lines = (text) => text.split("\n").map((line) => line.trim()).filter(Boolean);

/** A field for text in `lang` (the label is Finnish, the text in the language it asks for). */
function textarea(id, label, value, lang, rows = 3) {
  return el("div", { className: "field" }, el("label", { for: id }, label), el("textarea", { id, name: id, rows, value, lang }));
}

function drawLanguages(content) {
  const parts = Object.entries(LANGS).map(([lang, name]) => {
    const fields =
      kind === "entry"
        ? [
            textarea(`answer-${lang}`, `Vastaus (${name})`, content.answer?.[lang] ?? "", lang, 5),
            textarea(`questions-${lang}`, `Kysymysmuodot (${name}), yksi riviä kohden`, (content.questions?.[lang] ?? []).join("\n"), lang, 5),
            textarea(
              `must-${lang}`,
              `Kysymykset, joihin tämän merkinnän on vastattava (${name}), yksi riviä kohden`,
              (content.must_answer ?? []).filter((item) => item.lang === lang).map((item) => item.q).join("\n"),
              lang,
            ),
          ]
        : [textarea(`questions-${lang}`, `Kysymykset (${name}), yksi riviä kohden`, (content[lang] ?? []).join("\n"), lang, 5)];
    return el("fieldset", {}, el("legend", {}, `Kieli: ${name}`), ...fields);
  });
  document.getElementById("languages").replaceChildren(...parts);
}

function readForm(form) {
  if (kind === "topic") {
    const content = { ...(latest ?? {}) };
    for (const lang of Object.keys(LANGS)) content[lang] = lines(form[`questions-${lang}`].value);
    return content;
  }
  const content = {
    ...(latest ?? {}),
    source: { document: form.document.value, section: form.section.value.trim() },
    quote: form.quote.value.trim(),
    dated: form.dated.value || null,
    review_by: form.review_by.value || null,
    answer: {},
    questions: {},
    must_answer: [],
  };
  for (const lang of Object.keys(LANGS)) {
    content.answer[lang] = form[`answer-${lang}`].value.trim();
    content.questions[lang] = lines(form[`questions-${lang}`].value);
    content.must_answer.push(...lines(form[`must-${lang}`].value).map((q) => ({ q, lang })));
  }
  return content;
}

function fail(message) {
  announce(message, { error: true });
  document.getElementById("alert").focus();
}

function showGate(result, refused) {
  const section = document.getElementById("gate-section");
  section.hidden = false;
  const scores = Object.entries(result.top1).map(([name, value]) => el("li", {}, `${name}: top-1 ${value.toFixed(3)}`));
  const broken = (result.broken ?? []).map((item) =>
    el("li", {}, `”${item.question}” (${item.lang}): oikea ${item.expected ?? "ei vastausta"}, nyt ${item.answered_with ?? "ei vastausta"}`),
  );
  document.getElementById("gate").replaceChildren(
    el("p", {}, refused ? "Julkaisu estettiin: nämä kysymykset heikkenisivät." : "Julkaistu: arviointi ei heikentynyt."),
    el("ul", {}, ...scores),
    broken.length ? el("h3", {}, "Heikkenevät kysymykset") : null,
    broken.length ? el("ul", { className: "broken" }, ...broken) : null,
  );
}

async function act(version, action, done) {
  if (action !== "approve") announce("Arvioidaan ja julkaistaan; tämä voi kestää puoli minuuttia.");
  try {
    await call(`/faq/versions/${version.id}/${action}`, { method: "POST" }).then((result) => {
      if (result.top1) showGate(result, false);
    });
    announce(done);
    await load();
    document.getElementById("history-title").focus(); // the redrawn table lost the button
  } catch (error) {
    if (error.status === 409 && error.body?.broken) {
      showGate(error.body, true);
      fail(`${error.message} ${error.body.broken.length} kysymystä heikkenisi; ne on lueteltu alla.`);
    } else {
      fail(error.message);
    }
  }
}

/** Delete a version never published; an item's only one takes the item along. */
async function removeVersion(version, itemGoes) {
  try {
    await call(`/faq/versions/${version.id}`, { method: "DELETE" });
  } catch (error) {
    fail(error.message);
    return;
  }
  if (itemGoes) {
    location.assign("/staff/faq");
    return;
  }
  announce(`Versio ${version.number} poistettu.`);
  await load();
  document.getElementById("history-title").focus(); // the redrawn table lost the button
}

function historyTable(versions) {
  const head = el("tr", {}, ...["Versio", "Tila", "Tekijä", "Aika", "Kuvaus", "Toiminnot"].map((text) => el("th", { scope: "col" }, text)));
  const rows = [...versions].reverse().map((version) => {
    const label = `versio ${version.number}`;
    const buttons = [];
    const button = (text, handler) => {
      const b = el("button", { type: "button", className: "secondary", ariaLabel: `${text}: ${label}` }, text);
      b.addEventListener("click", handler);
      buttons.push(b);
    };
    button("Näytä muutokset", () =>
      run(async () => {
        const result = await call(`/faq/versions/${version.id}`);
        document.getElementById("diff").textContent = result.diff || "Ei muutoksia edelliseen versioon.";
        announce(`Versio ${version.number}: muutokset näkyvät alla.`);
      }),
    );
    if (version.status === "draft") button("Hyväksy", () => act(version, "approve", `Versio ${version.number} hyväksytty.`));
    if (version.status === "approved") button("Julkaise", () => act(version, "publish", `Versio ${version.number} julkaistu.`));
    if (version.status === "superseded") button("Palauta tämä versio", () => act(version, "rollback", `Versio ${version.number} palautettu.`));
    if (version.status === "draft" || version.status === "approved") {
      button("Poista", () => removeVersion(version, versions.length === 1));
    }
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, String(version.number)),
      el("td", {}, LABELS.faqStatus[version.status] ?? version.status),
      el("td", {}, version.author ?? "tuonti"),
      el("td", {}, formatTime(version.created_at)),
      el("td", {}, version.comment),
      el("td", {}, el("div", { className: "row-actions" }, ...buttons)),
    );
  });
  return el("table", {}, el("caption", {}, "Versiot, uusin ensin"), el("thead", {}, head), el("tbody", {}, ...rows));
}

function fill(form, content) {
  if (kind === "entry") {
    form.document.value = content.source?.document ?? form.document.value;
    form.section.value = content.source?.section ?? "";
    form.quote.value = content.quote ?? "";
    form.dated.value = content.dated ?? "";
    form.review_by.value = content.review_by ?? "";
  }
  drawLanguages(content);
}

async function load() {
  const form = document.getElementById("editor");
  if (!key) {
    document.getElementById("key-field").hidden = false;
    const question = params.get("question");
    const lang = params.get("lang") ?? "fi";
    fill(form, question ? (kind === "entry" ? { questions: { [lang]: [question] } } : { [lang]: [question] }) : {});
    document.getElementById("title").textContent = kind === "entry" ? "Uusi merkintä" : "Uusi aihe, johon aineisto ei vastaa";
    return;
  }
  const detail = await call(`/faq/items/${kind}/${encodeURIComponent(key)}`);
  latest = detail.versions.at(-1).content;
  fill(form, latest);
  document.getElementById("title").textContent = `${kind === "entry" ? "Merkintä" : "Aihe"}: ${detail.item.title}`;
  document.getElementById("history-section").hidden = false;
  document.getElementById("history").replaceChildren(historyTable(detail.versions));
}

run(async () => {
  await startPage("faq");
  const form = document.getElementById("editor");
  document.getElementById("entry-fields").hidden = kind !== "entry";
  const sources = await call("/faq/sources");
  form.document.replaceChildren(...sources.map((source) => el("option", { value: source.name }, `${source.titles.fi ?? source.name} (${source.name})`)));
  await load();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const comment = form.comment.value.trim();
    if (!comment) return fail("Kirjoita muutoksen kuvaus.");
    const body = { content: readForm(form), comment };
    run(async () => {
      try {
        if (key) {
          await call(`/faq/items/${kind}/${encodeURIComponent(key)}/versions`, { method: "POST", body });
        } else {
          const newKey = form.key.value.trim();
          await call(`/faq/items/${kind}`, { method: "POST", body: { ...body, key: newKey } });
          key = newKey;
          history.replaceState(null, "", `/staff/faq/edit?kind=${kind}&key=${encodeURIComponent(key)}`);
          document.getElementById("key-field").hidden = true;
        }
      } catch (error) {
        return fail(error.message);
      }
      form.comment.value = "";
      await load();
      announce("Luonnos tallennettu. Toinen henkilökunnan jäsen hyväksyy sen ennen julkaisua.");
    });
  });
});
