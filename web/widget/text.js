// Message text as DOM nodes: paragraphs, line breaks and safe links. Text is only ever
// inserted with text nodes, never as HTML, so nothing in a message can run or inject markup.
// A path to the registrar account pages ("/account/login") links to the widget's own origin.

const LINK =
  /\b(?:https?:\/\/[^\s<>"]+|www\.[^\s<>"]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})|(?<![\w./])\/account\/[a-z]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;

function linkTarget(found) {
  if (found.includes("@") && !found.includes("/")) return `mailto:${found}`;
  if (found.startsWith("/")) return new URL(found, import.meta.url).href;
  const url = found.startsWith("www.") ? `https://${found}` : found;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function appendLine(parent, line) {
  let position = 0;
  for (const match of line.matchAll(LINK)) {
    const found = match[0].replace(TRAILING_PUNCTUATION, "");
    const href = linkTarget(found);
    if (!href) continue;
    parent.append(line.slice(position, match.index));
    const link = document.createElement("a");
    link.href = href;
    link.textContent = found;
    parent.append(link);
    position = match.index + found.length;
  }
  parent.append(line.slice(position));
}

/** A fragment of <p> elements: blank lines separate paragraphs, single newlines become <br>. */
export function renderText(text) {
  const fragment = document.createDocumentFragment();
  for (const block of text.split(/\n\s*\n/)) {
    if (!block.trim()) continue;
    const paragraph = document.createElement("p");
    block.split("\n").forEach((line, index) => {
      if (index > 0) paragraph.append(document.createElement("br"));
      appendLine(paragraph, line);
    });
    fragment.append(paragraph);
  }
  return fragment;
}
