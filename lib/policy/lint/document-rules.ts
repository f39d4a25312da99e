/** Whole-document checks: references to named values, the engine's markers, APIM's size limits. */
import type { PolicyDocument } from "../document/policy-document";
import { listPolicyReferences } from "../document/policy-references";
import { findManagedBlocks } from "../managed-block";
import type { LintFinding } from "./lint-finding";

export function unknownNamedValueFindings(document: PolicyDocument, namedValues: readonly string[]): LintFinding[] {
  const known = new Set(namedValues);
  return listPolicyReferences(document)
    .namedValues.filter((reference) => !known.has(reference.name))
    .map((reference) => ({
      code: "unknown-named-value",
      severity: "error",
      message: `{{${reference.name}}} in <${reference.element}> refers to a named value that does not exist; APIM refuses the policy`,
      line: reference.at.line,
      column: reference.at.column,
    }));
}

export function managedBlockFindings(document: PolicyDocument): LintFinding[] {
  const { blocks, problems } = findManagedBlocks(document.root, document.nodes);
  const findings: LintFinding[] = problems.map((problem) => ({
    code: "broken-managed-block",
    severity: "error",
    ...problem,
  }));
  for (const block of blocks.slice(1)) {
    findings.push({
      code: "multiple-managed-blocks",
      severity: "error",
      message: `a second Portcullis block (the first is on line ${blocks[0]?.start.line}); the next push keeps only one`,
      line: block.start.line,
      column: block.start.column,
    });
  }
  return findings;
}

const KIB = 1024;
export const POLICY_SIZE_LIMIT = 256 * KIB;
export const CONSUMPTION_POLICY_SIZE_LIMIT = 16 * KIB;

/** APIM limits the policy document: 256 KiB, 16 KiB on the Consumption tier. */
export function sizeFindings(text: string, tier: "consumption" | "dedicated" | undefined): LintFinding[] {
  const bytes = new TextEncoder().encode(text).length;
  const limit = tier === "consumption" ? CONSUMPTION_POLICY_SIZE_LIMIT : POLICY_SIZE_LIMIT;
  const size = `${(bytes / KIB).toFixed(1)} KiB`;
  if (bytes > limit) {
    return [
      {
        code: "policy-too-large",
        severity: "error",
        message: `the policy is ${size}; APIM accepts at most ${limit / KIB} KiB${tier === "consumption" ? " on the Consumption tier" : ""}`,
        line: 1,
        column: 1,
      },
    ];
  }
  if (tier === undefined && bytes > CONSUMPTION_POLICY_SIZE_LIMIT) {
    return [
      {
        code: "policy-too-large-for-consumption",
        severity: "warning",
        message: `the policy is ${size}; the Consumption tier accepts at most 16 KiB`,
        line: 1,
        column: 1,
      },
    ];
  }
  return [];
}
