// The staff reports: a period, then each report as a chart (server-drawn SVG) beside the same
// figures in a data table, with CSV exports. The chosen period stays in the address.
import { announce, call, el, formatTime, run, startPage } from "./common.js";

const REPORTS = "/api/v1/staff/reports";
const form = document.getElementById("period");
const from = document.getElementById("from");
const to = document.getElementById("to");

const iso = (day) =>
  `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;

/** The first and last day of a preset ("week", "30", "year"), ending today. */
function presetPeriod(preset, today = new Date()) {
  const first = new Date(today);
  if (preset === "week") first.setDate(today.getDate() - ((today.getDay() + 6) % 7));
  if (preset === "30") first.setDate(today.getDate() - 29);
  if (preset === "year") first.setMonth(0, 1);
  return [iso(first), iso(today)];
}

function chosenPreset() {
  return form.elements.preset.value;
}

function setPreset(value) {
  for (const radio of form.elements.preset) radio.checked = radio.value === value;
}

/** The preset's days go into the date fields; editing a date chooses "Muu jakso". */
function applyPreset() {
  const preset = chosenPreset();
  if (preset === "custom") return;
  [from.value, to.value] = presetPeriod(preset);
}

// Shares ("… %" columns and rows), their changes (%-yks.) and hours (h) keep one decimal:
// "100,0". Not "Odotus, 90 % (min)": whole minutes.
const DECIMAL_COLUMN = /%$|%-yks|\(h\)/;

function formatCell(value, decimal = false) {
  if (value === null) return "–";
  if (typeof value === "number" && (decimal || !Number.isInteger(value))) {
    return value.toLocaleString("fi-FI", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  }
  return String(value);
}

function dataTable(table, captionId) {
  const head = el("tr", {}, ...table.columns.map((column) => el("th", { scope: "col" }, column)));
  const rows = table.rows.map((row) =>
    el(
      "tr",
      {},
      el("th", { scope: "row" }, formatCell(row[0])),
      ...row.slice(1).map((value, index) =>
        el(
          "td",
          { className: typeof value === "number" || value === null ? "number" : "" },
          formatCell(value, DECIMAL_COLUMN.test(table.columns[index + 1]) || DECIMAL_COLUMN.test(String(row[0]))),
        ),
      ),
    ),
  );
  return el(
    "table",
    {},
    el("caption", { id: captionId }, table.title),
    el("thead", {}, head),
    el("tbody", {}, ...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: table.columns.length }, "Ei tietoja jaksolta."))])),
  );
}

/** `version` changes when the figures are counted again: the browser keeps an image it has
 * shown for the page's life, whatever its cache headers say. */
function section(table, query, version) {
  const titleId = `${table.name}-title`;
  const captionId = `${table.name}-caption`;
  const pair = el("div", { className: "report-pair" });
  if (table.chart) {
    pair.append(
      el(
        "figure",
        {},
        el("img", {
          src: `${REPORTS}/${table.name}.svg?${query}&counted=${encodeURIComponent(version)}`,
          alt: `Kaavio: ${table.title}. Samat luvut ovat taulukossa kaavion vieressä.`,
          width: 720,
          height: 360,
        }),
      ),
    );
  }
  pair.append(el("div", { className: "table-wrap", "data-caption": captionId }, dataTable(table, captionId)));
  const csv = el("a", { href: `${REPORTS}/${table.name}.csv?${query}`, download: "" }, `Lataa CSV: ${table.title}`);
  return el(
    "section",
    { className: "report", "aria-labelledby": titleId },
    el("h2", { id: titleId }, table.title),
    table.note ? el("p", { className: "note" }, table.note) : null,
    pair,
    el("p", {}, csv),
  );
}

/** A table wider than its place scrolls: then its wrapper is a named region the keyboard can
 * reach and scroll; otherwise it is no tab stop. */
function markScrollable() {
  for (const wrap of document.querySelectorAll("#reports .table-wrap")) {
    if (wrap.scrollWidth > wrap.clientWidth) {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-labelledby", wrap.dataset.caption);
    } else {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-labelledby");
    }
  }
}

async function show() {
  if (!from.value || !to.value) {
    announce("Valitse jakson alku- ja loppupäivä.", { error: true });
    return;
  }
  const query = new URLSearchParams({ from: from.value, to: to.value }).toString();
  history.replaceState(null, "", `?${query}&preset=${chosenPreset()}`);
  document.getElementById("export").href = `${REPORTS}/export.csv?${query}`;
  document.getElementById("export-comma").href = `${REPORTS}/export.csv?${query}&decimal=comma`;
  const report = await call(`/reports?${query}`);
  document.getElementById("reports").replaceChildren(...report.tables.map((table) => section(table, query, report.counted_at ?? "")));
  markScrollable();
  const counted = report.counted_at ? ` Luvut laskettu ${formatTime(report.counted_at)}.` : " Jaksolta ei ole vielä laskettuja lukuja.";
  announce(`Raportit ${report.first}–${report.last} näytetään.${counted}`);
}

window.addEventListener("resize", markScrollable);
form.addEventListener("change", (event) => {
  if (event.target.name === "preset") applyPreset();
  else if (event.target === from || event.target === to) setPreset("custom");
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run(show);
});
document.getElementById("refresh").addEventListener("click", () =>
  run(async () => {
    await call("/reports/refresh", { method: "POST" });
    await show();
  }),
);

run(async () => {
  await startPage("reports");
  const params = new URLSearchParams(location.search);
  if (params.get("from") && params.get("to")) {
    from.value = params.get("from");
    to.value = params.get("to");
    setPreset(params.get("preset") || "custom");
  } else {
    applyPreset();
  }
  await show();
});
