import { createHash } from "node:crypto";
import { canonicalJson } from "../../audit/canonical-json";

/**
 * The content hash of a plan: SHA-256 over the RFC 8785 canonical JSON of what it would write
 * (operations, each with the ETag it read), what it showed (the diff: rendered policy documents,
 * backend changes, named values by fingerprint, lint) and what APIM holds afterwards (the desired
 * state, with the ETags read for entities it does not write). Approvals are bound to it, so a plan
 * whose stored content differs in any of these from what an admin approved has no approval.
 * Computed from the stored JSON (canonical, so jsonb's key order does not matter).
 */
export function planContentHash(plan: { operations: unknown; diff: unknown; desiredState: unknown }): string {
  const content = canonicalJson({ operations: plan.operations, diff: plan.diff, desiredState: plan.desiredState });
  return createHash("sha256").update(content).digest("hex");
}
