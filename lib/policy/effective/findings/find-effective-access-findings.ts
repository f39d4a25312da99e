/**
 * The findings of one effective pipeline, with the facts that are not in the documents. Where a
 * scope could not be read, a fragment was not given or a fact is missing, the analysis says which
 * conclusions it could not reach instead of reporting that nothing was found.
 */
import type { AccessFacts } from "../effective-input";
import type { EffectivePipeline } from "../effective-pipeline";
import { missingInboundFindings, skippedStatementFindings } from "./base-rules";
import { anyoneCanCallFindings, conflictingValidationFindings } from "./caller-exposure-rules";
import type { EffectiveAccessAnalysis, NotConcluded } from "./effective-access-finding";
import { overrideFindings } from "./override-rules";
import { managedIdentityFindings, namedValueFindings } from "./service-fact-rules";
import { validationOrderFindings } from "./validation-order-rules";

/** The finding codes that read the statements; what is undetermined in the pipeline may hide one. */
const PIPELINE_CODES = [
  "caller-validation-skipped",
  "managed-statements-skipped",
  "managed-backend-overridden",
  "managed-credential-overridden",
  "token-header-rewritten-before-validation",
  "caller-validation-late",
  "conflicting-caller-validations",
];

export function findEffectiveAccessFindings(
  pipeline: EffectivePipeline,
  facts: AccessFacts = {},
): EffectiveAccessAnalysis {
  const notConcluded: NotConcluded[] = [];
  const findings = [
    ...skippedStatementFindings(pipeline, notConcluded),
    ...missingInboundFindings(pipeline),
    ...overrideFindings(pipeline),
    ...validationOrderFindings(pipeline),
    ...anyoneCanCallFindings(pipeline, facts, notConcluded),
    ...conflictingValidationFindings(pipeline),
    ...managedIdentityFindings(pipeline, facts, notConcluded),
    ...namedValueFindings(pipeline, facts, notConcluded),
  ];
  const undetermined = pipeline.notes.filter((note) => note.kind === "undetermined");
  if (undetermined.length > 0) {
    const shown = undetermined.slice(0, 3).map((note) => note.message);
    const reason = `what the pipeline runs is partly undetermined: ${shown.join("; ")}${undetermined.length > 3 ? ` (and ${undetermined.length - 3} more)` : ""}`;
    const found = new Set(findings.map((finding) => finding.code));
    for (const code of [...PIPELINE_CODES, "anyone-can-call"])
      if (!found.has(code) && !notConcluded.some((entry) => entry.code === code)) notConcluded.push({ code, reason });
  }
  return { findings, notConcluded, blocking: findings.some((finding) => finding.severity === "blocking") };
}
