import { readPolicyDocument } from "./document-reader";
import type { PolicyDocument, PolicyFormat, PolicyParseResult } from "./policy-document";
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
 * A policy as its text, or as the document that text parsed to: a caller that reads one document
 * several times (a plan merges, reads, references and lints the same two) parses it once and
 * passes the document. A document is read as it was parsed, whatever format is asked for.
 */
export type PolicySource = string | PolicyDocument;

/** The document of `source`: parsed in `format` (either, when not given), or as given. */
export function parsePolicySource(source: PolicySource, format?: PolicyFormat): PolicyParseResult {
  if (typeof source !== "string") return { ok: true, document: source };
  return format === undefined ? parsePolicyDocumentOfAnyFormat(source) : parsePolicyDocument(source, format);
}

/**
 * A policy document as the engine reads and merges it: parsed in `format` (either, when not
 * given) with a `<policies>` or `<fragment>` root.
 */
export function parsePolicy(source: PolicySource, format?: PolicyFormat): PolicyParseResult {
  const parsed = parsePolicySource(source, format);
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
