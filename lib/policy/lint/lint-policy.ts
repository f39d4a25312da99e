import { parsePolicySource, type PolicySource } from "../document/parse-policy-document";
import type { PolicyDocument, PolicyFormat, PolicyParseError } from "../document/policy-document";
import { rememberedPerDocument } from "../document/remembered-per-document";
import { callerValidationFindings } from "./caller-validation-rules";
import { managedBlockFindings, sizeFindings, unknownNamedValueFindings } from "./document-rules";
import type { LintFinding } from "./lint-finding";
import { tokenValidationFindings } from "./token-rules";

export interface LintOptions {
  /** How to read a text; by default `xml` when well-formed, `rawxml` otherwise. A document is linted as parsed. */
  format?: PolicyFormat;
  /** Named values that exist; when given, references to any other are errors. */
  namedValues?: readonly string[];
  /** `consumption` applies the 16 KiB limit; unknown warns above 16 KiB. */
  tier?: "consumption" | "dedicated";
}

export type LintResult =
  { ok: true; format: PolicyFormat; findings: LintFinding[] } | { ok: false; error: PolicyParseError };

/**
 * The findings of a policy. A document's are remembered with it for the same options
 * (rememberedPerDocument: planning lints the same desired document for every API of a run), frozen.
 */
export function lintPolicy(source: PolicySource, options: LintOptions = {}): LintResult {
  if (typeof source !== "string") return lintDocument(source, options);
  const parsed = parsePolicySource(source, options.format);
  return parsed.ok ? findingsOf(parsed.document, options) : parsed;
}

const lintDocument = rememberedPerDocument(findingsOf);

function findingsOf(document: PolicyDocument, options: LintOptions): LintResult {
  const findings = [
    ...callerValidationFindings(document.root),
    ...tokenValidationFindings(document.root),
    ...(options.namedValues === undefined ? [] : unknownNamedValueFindings(document, options.namedValues)),
    ...managedBlockFindings(document),
    ...sizeFindings(document.text, options.tier),
  ];
  findings.sort((a, b) => a.line - b.line || a.column - b.column || a.code.localeCompare(b.code));
  return { ok: true, format: document.format, findings };
}
