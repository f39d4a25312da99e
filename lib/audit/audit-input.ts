import type { Actor } from "../auth/request-context";

/** Portcullis itself, for events no person or app caused directly (e.g. start-up). */
export const SYSTEM_ACTOR: Actor = { type: "app", oid: "portcullis", tid: "", name: "Portcullis", roles: [] };

export type AuditOutcome = "success" | "failure" | "denied";

/**
 * One audit event as a use case describes it. `before`/`after` must never hold a secret
 * value: secrets appear only as fingerprints.
 */
export interface AuditInput {
  actor: Pick<Actor, "type" | "oid" | "tid" | "name">;
  /** Dotted verb, e.g. `profile.save`, `deployment.step`, `auth.denied`. */
  action: string;
  target: { type: string; id: string };
  before?: unknown;
  after?: unknown;
  outcome: AuditOutcome;
  requestId?: string | null;
  armCorrelationId?: string | null;
  clientIp?: string | null;
}
