// Any hetu-shaped string, as privacy/redaction.py's HETU_PATTERN (a test,
// tests/unit/test_hetu_everywhere.py, keeps the two in step): whitespace between any two
// characters, either case, a Unicode dash for "-", any decimal digit, with or without the
// century sign: + (1800s), - Y X W V U (1900s), A B C D E F (2000s). WS is Python's \s.
const WS = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]*";
const DASHES =
  "\\u00af\\u02d7\\u058a\\u05be\\u1680\\u180a\\u2010-\\u2015\\u203e\\u2043\\u207b\\u208b\\u2212" +
  "\\u23af\\u23ba-\\u23bd\\u23e4\\ufe63\\uff0d\\uffe3";
const HETU = new RegExp(
  `(?<![\\p{Nd}A-Za-z])(?:\\p{Nd}${WS}){6}(?:[\\-+A-FYXWVUa-fyxwvu${DASHES}]${WS})?` +
    `(?:\\p{Nd}${WS}){3}[\\p{Nd}A-Ya-y](?![\\p{Nd}A-Za-z])`,
  "gu",
);

/** The text with every hetu-shaped string replaced by "[hetu]". */
export function maskHetus(text) {
  return text.replace(HETU, "[hetu]");
}
