import { parsePolicyDocument, parsePolicyDocumentOfAnyFormat } from "./parse-policy-document";
import type { PolicyFormat, PolicyParseResult } from "./policy-document";

/**
 * `parsePolicyDocument` (without a format, `parsePolicyDocumentOfAnyFormat`), remembering the
 * results of the most recent texts, up to 1 Mi characters in all. The same texts come back again
 * and again: an instance's access matrix composes the same global and product policies for every
 * path of every API (thousands of times for 500 APIs), and the APIs of a change set or of one
 * template hold the same policy, so planning them parses the same live and desired documents. A
 * parsed document is only ever read (every reader builds what it returns anew), so one may be
 * shared; remembering keeps the function pure.
 */
export function parsePolicyDocumentOnce(text: string, format?: PolicyFormat): PolicyParseResult {
  const key = `${format ?? "any"}:${text}`;
  const known = parsedDocuments.get(key);
  if (known !== undefined) return known;
  const parsed = format === undefined ? parsePolicyDocumentOfAnyFormat(text) : parsePolicyDocument(text, format);
  if (key.length > PARSED_CHARS) return parsed;
  for (const [oldest] of parsedDocuments) {
    if (parsedChars + key.length <= PARSED_CHARS) break;
    parsedDocuments.delete(oldest);
    parsedChars -= oldest.length;
  }
  parsedDocuments.set(key, parsed);
  parsedChars += key.length;
  return parsed;
}

const parsedDocuments = new Map<string, PolicyParseResult>();
const PARSED_CHARS = 1 << 20;
let parsedChars = 0;
