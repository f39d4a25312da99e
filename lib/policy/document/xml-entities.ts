/**
 * XML character references and the five predefined entities — the only ones a policy may use
 * (DOCTYPE declarations, and with them custom entities, are refused).
 */

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** True for a code point XML 1.0 allows in a document (the `Char` production). */
export function isXmlChar(codePoint: number): boolean {
  return (
    codePoint === 0x9 ||
    codePoint === 0xa ||
    codePoint === 0xd ||
    (codePoint >= 0x20 && codePoint <= 0xd7ff) ||
    (codePoint >= 0xe000 && codePoint <= 0xfffd) ||
    (codePoint >= 0x10000 && codePoint <= 0x10ffff)
  );
}

export type DecodeResult = { ok: true; value: string } | { ok: false; index: number; message: string };

/**
 * Decodes entity and character references. `index` in a failure is relative to `raw`.
 * `normalise` applies XML's attribute-value normalisation (literal tab, CR, LF become spaces)
 * or end-of-line normalisation for text (CRLF and CR become LF).
 */
export function decodeXmlValue(raw: string, normalise: "attribute" | "text"): DecodeResult {
  let value = "";
  let i = 0;
  while (i < raw.length) {
    const c = raw[i];
    if (c === "&") {
      const end = raw.indexOf(";", i + 1);
      const name = end < 0 ? "" : raw.slice(i + 1, end);
      const decoded = decodeReference(name);
      if (decoded === undefined) {
        return { ok: false, index: i, message: "'&' must start an entity such as &amp; or &#38; (write & as &amp;)" };
      }
      value += decoded;
      i = end + 1;
    } else if (c === "\r") {
      value += normalise === "attribute" ? " " : "\n";
      i += raw[i + 1] === "\n" ? 2 : 1;
    } else if (normalise === "attribute" && (c === "\n" || c === "\t")) {
      value += " ";
      i++;
    } else {
      value += c;
      i++;
    }
  }
  return { ok: true, value };
}

function decodeReference(name: string): string | undefined {
  const named = NAMED[name];
  if (named !== undefined) return named;
  const match = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
  if (match === null) return undefined;
  const codePoint = match[1] !== undefined ? parseInt(match[1], 16) : parseInt(match[2] ?? "", 10);
  return isXmlChar(codePoint) ? String.fromCodePoint(codePoint) : undefined;
}

/** Escapes a value for a double-quoted attribute so that it decodes back to exactly itself. */
export function escapeAttributeValue(value: string): string {
  return value.replace(/[&<>"'\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/** Escapes element text so that it decodes back to exactly itself. */
export function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c] ?? c);
}

// Tab, LF and CR are written as character references because a parser would otherwise
// normalise them (to spaces in attributes, CR to LF in text) and the value would not come back.
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};
const TEXT_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
