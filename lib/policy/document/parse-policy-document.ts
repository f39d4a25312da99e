import { readPolicyDocument } from "./document-reader";
import type { PolicyFormat, PolicyParseResult } from "./policy-document";
import { checkWellFormed } from "./well-formed-check";

/**
 * Parses a policy document as APIM would accept it in `format`. For `xml` the text must be
 * well-formed XML; for `rawxml` expressions may hold raw C#. Either way the result is the same
 * tree with offsets, lines and columns, or the first error with its line and column.
 */
export function parsePolicyDocument(text: string, format: PolicyFormat): PolicyParseResult {
  if (format === "xml") {
    const error = checkWellFormed(text);
    if (error !== undefined) return { ok: false, error };
  }
  return readPolicyDocument(text, format);
}

/**
 * For input of unknown format (a file given to the CLI): `xml` when it is well-formed,
 * otherwise `rawxml`. A document that is neither reports the `rawxml` error, the more tolerant one.
 */
export function parsePolicyDocumentOfAnyFormat(text: string): PolicyParseResult {
  const asXml = parsePolicyDocument(text, "xml");
  return asXml.ok ? asXml : parsePolicyDocument(text, "rawxml");
}

/**
 * A policy document as the engine reads and merges it: parsed in `format` (either, when not
 * given) with a `<policies>` or `<fragment>` root.
 */
export function parsePolicy(text: string, format?: PolicyFormat): PolicyParseResult {
  const parsed = format === undefined ? parsePolicyDocumentOfAnyFormat(text) : parsePolicyDocument(text, format);
  if (!parsed.ok) return parsed;
  const { root } = parsed.document;
  if (root.name === "policies" || root.name === "fragment") return parsed;
  return {
    ok: false,
    error: {
      message: `the root element is <${root.name}>, but a policy has <policies> (or <fragment>)`,
      ...root.start,
    },
  };
}
