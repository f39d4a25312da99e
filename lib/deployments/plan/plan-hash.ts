import { createHash } from "node:crypto";
import { canonicalJson } from "../../audit/canonical-json";
import type { Prisma } from "../../db";

type JsonValue = Prisma.JsonValue;

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

/** A plan's three JSON columns. */
export interface PlanContent<Value = unknown> {
  operations: Value;
  diff: Value;
  desiredState: Value;
}

/**
 * A computed plan's columns as stored (`text`: its canonical JSON), as read back (`stored`: that
 * text parsed, which is what reading the row gives) and the content hash of what is stored —
 * planContentHash of the stored columns, taken from the canonical texts themselves: the hash of
 * the whole plan is the canonical JSON of an object holding the three, whose keys sort as
 * desiredState, diff, operations. Writing the canonical text once replaces a JSON.stringify of
 * the plan and a second canonical serialisation of it parsed back (a plan's largest items, its
 * policy texts and hunks, are in each). Content that canonical JSON refuses (NaN, a function)
 * is stored as JSON.stringify writes it and hashed as read back, as before.
 */
export function storedPlanContent(content: PlanContent): {
  text: PlanContent<string>;
  stored: PlanContent<JsonValue>;
  hash: string;
} {
  let text: PlanContent<string>;
  try {
    text = {
      operations: canonicalJson(content.operations),
      diff: canonicalJson(content.diff),
      desiredState: canonicalJson(content.desiredState),
    };
  } catch {
    text = {
      operations: JSON.stringify(content.operations),
      diff: JSON.stringify(content.diff),
      desiredState: JSON.stringify(content.desiredState),
    };
    const stored = parsed(text);
    return { text, stored, hash: planContentHash(stored) };
  }
  const hash = createHash("sha256")
    .update(`{"desiredState":${text.desiredState},"diff":${text.diff},"operations":${text.operations}}`)
    .digest("hex");
  return { text, stored: parsed(text), hash };
}

function parsed(text: PlanContent<string>): PlanContent<JsonValue> {
  return {
    operations: JSON.parse(text.operations) as JsonValue,
    diff: JSON.parse(text.diff) as JsonValue,
    desiredState: JSON.parse(text.desiredState) as JsonValue,
  };
}
