// The audit log: who did what to which record, newest first.
import { announce, call, el, formatTime, run, startPage } from "./common.js";

const ACTORS = { staff: "Henkilökunta", registrar: "Rekisteröijä", service: "Avustaja" };
const TARGET_PAGES = { escalation: "escalations", request: "requests" };

function target(event) {
  const text = `${event.target_kind} #${event.target_id ?? "–"}`;
  const page = TARGET_PAGES[event.target_kind];
  return page && event.target_id !== null ? el("a", { href: `/staff/${page}/${event.target_id}` }, text) : text;
}

run(async () => {
  await startPage("audit");
  const events = await call("/audit?limit=200");
  const head = el(
    "tr",
    {},
    ...["Aika", "Tekijä", "Toimi", "Kohde", "Lisätieto"].map((text) => el("th", { scope: "col" }, text)),
  );
  const rows = events.map((event) =>
    el(
      "tr",
      {},
      el("td", {}, formatTime(event.created_at)),
      el("td", {}, `${ACTORS[event.actor_kind] ?? event.actor_kind}${event.actor_id === null ? "" : ` #${event.actor_id}`}`),
      el("td", {}, event.action),
      el("td", {}, target(event)),
      el("td", {}, event.detail ?? ""),
    ),
  );
  document
    .getElementById("events")
    .replaceChildren(
      el("table", {}, el("caption", {}, "Viimeisimmät 200 tapahtumaa"), el("thead", {}, head), el("tbody", {}, ...rows)),
    );
  announce(`${events.length} tapahtumaa näytetään.`);
});
