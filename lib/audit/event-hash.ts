import { hash } from "node:crypto";
import { canonicalEventJson } from "./canonical-json";

/** The genesis `prevHash` of the first event (also seeded into audit_chain_head). */
export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit event that its hash covers: all of them except the hash itself. */
export interface HashedAuditFields {
  seq: string;
  id: string;
  time: string;
  actor: { type: string; oid: string; tid: string | null; name: string };
  action: string;
  target: { type: string; id: string };
  before: unknown;
  after: unknown;
  outcome: string;
  requestId: string | null;
  armCorrelationId: string | null;
  clientIp: string | null;
  prevHash: string;
}

/**
 * SHA-256 over the RFC 8785 canonical JSON of the event. Canonical JSON makes the hash
 * independent of key order and number formatting, so it can be recomputed from what the
 * database returns (jsonb reorders keys) and by a reviewer from an export. The serialiser is
 * canonical-json.ts: byte for byte the `canonicalize` package's output, faster.
 */
export function hashAuditEvent(fields: HashedAuditFields): string {
  return hash("sha256", canonicalEventJson(fields), "hex");
}
