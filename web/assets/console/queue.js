// The queue: escalations and requests together, newest first, filtered by type and status.
import { LABELS, announce, assigneeText, call, el, formatTime, run, startPage } from "./common.js";

const STATUSES = {
  escalation: ["open", "in_progress", "resolved"],
  request: ["open", "approved", "denied"],
};

async function fetchSource(source, subtype, status, staff) {
  if (status && !STATUSES[source].includes(status)) return { items: [], counts: {} };
  const query = new URLSearchParams({ limit: "200" });
  if (status) query.set("status", status);
  if (subtype) query.set(source === "escalation" ? "reason" : "kind", subtype);
  const list = await call(`/${source}s?${query}`);
  return {
    counts: list.counts,
    items: list.items.map((item) => ({
      source,
      href: `/staff/${source}s/${item.id}`,
      reference: item.reference,
      type: source === "escalation" ? LABELS.reason[item.reason] : LABELS.kind[item.kind],
      status: item.status,
      created: item.created_at,
      assignee: assigneeText(item.assignee_id, staff),
    })),
  };
}

function countsList(title, source, counts) {
  return el(
    "div",
    {},
    el("h3", {}, title),
    el("ul", {}, ...STATUSES[source].map((status) => el("li", {}, `${LABELS.status[status]}: ${counts[status] ?? 0}`))),
  );
}

function table(items) {
  const head = el(
    "tr",
    {},
    ...["Viite", "Tyyppi", "Tila", "Luotu", "Käsittelijä"].map((text) => el("th", { scope: "col" }, text)),
  );
  const rows = items.map((item) =>
    el(
      "tr",
      {},
      el("td", {}, el("a", { href: item.href }, item.reference)),
      el("td", {}, item.type),
      el("td", {}, el("span", { className: `badge ${item.status}` }, LABELS.status[item.status])),
      el("td", {}, formatTime(item.created)),
      el("td", {}, item.assignee),
    ),
  );
  return el(
    "table",
    {},
    el("caption", {}, "Eskalaatiot ja pyynnöt, uusimmat ensin"),
    el("thead", {}, head),
    el("tbody", {}, ...rows),
  );
}

run(async () => {
  const staff = await startPage("queue");
  const params = new URLSearchParams(location.search);
  const [source, subtype] = (params.get("type") || "").split(":");
  const status = params.get("status") || "";
  document.getElementById("type").value = params.get("type") || "";
  document.getElementById("status-filter").value = status;

  const wanted = source ? [source] : ["escalation", "request"];
  const results = await Promise.all(wanted.map((name) => fetchSource(name, subtype, status, staff)));
  const counts = document.getElementById("counts");
  counts.replaceChildren(
    ...wanted.map((name, index) =>
      countsList(name === "escalation" ? "Eskalaatiot" : "Pyynnöt", name, results[index].counts),
    ),
  );
  const items = results.flatMap((result) => result.items).sort((a, b) => new Date(b.created) - new Date(a.created));
  document.getElementById("queue").replaceChildren(items.length ? table(items) : el("p", {}, "Ei osumia."));
  announce(`${items.length} ${items.length === 1 ? "rivi" : "riviä"} näytetään.`);
});
