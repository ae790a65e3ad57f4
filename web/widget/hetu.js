// Any hetu-shaped string, valid checksum or not, as privacy/redaction.py's HETU_PATTERN (a test,
// tests/unit/test_hetu_everywhere.py, keeps the two in step). Century signs: + (1800s),
// - Y X W V U (1900s), A B C D E F (2000s).
const HETU = /(?<![0-9A-Za-z])\d{6}\s?[-+A-FYXWVUa-fyxwvu]?\s?\d{3}[0-9A-Ya-y](?![0-9A-Za-z])/g;

/** The text with every hetu-shaped string replaced by "[hetu]". */
export function maskHetus(text) {
  return text.replace(HETU, "[hetu]");
}
