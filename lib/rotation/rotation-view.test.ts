import { describe, expect, it } from "vitest";
import type { SecretRotation } from "../db/generated/client";
import { canApply, canRollBack, isOpen, STALE_APPLY_MS } from "./rotation-view";

const now = new Date("2026-12-04T12:00:00Z");

function rotation(changes: Partial<SecretRotation>): SecretRotation {
  return {
    id: "5b1c8f0e-0000-4000-8000-000000000001",
    secretId: "5b1c8f0e-0000-4000-8000-000000000002",
    instanceId: "5b1c8f0e-0000-4000-8000-000000000003",
    status: "planned",
    oldNamedValueId: "key",
    oldDisplayName: "key",
    oldFingerprint: "hmac-sha256:00112233445566778899aabbccddeeff",
    oldRotatedAt: null,
    newNamedValueId: "key-r20261204110000",
    newDisplayName: "key-r20261204110000",
    newFingerprint: "hmac-sha256:ffeeddccbbaa99887766554433221100",
    plans: [],
    rollbackPlans: null,
    deployments: null,
    verifications: null,
    graceMinutes: 60,
    appliedAt: null,
    retiredNamedValueId: null,
    deleteAfter: null,
    deletedAt: null,
    error: null,
    createdAt: now,
    createdBy: "Ada Admin",
    updatedAt: now,
    ...changes,
  };
}

describe("what a rotation allows", () => {
  it("applies planned switches and roll backs, and carries on a failed apply", () => {
    expect(canApply(rotation({ status: "planned" }), now)).toBe(true);
    expect(canApply(rotation({ status: "rollback_planned" }), now)).toBe(true);
    expect(canApply(rotation({ status: "failed", deployments: [] }), now)).toBe(true);
  });

  it("does not apply a rotation that could not be planned, nor one applied or over", () => {
    expect(canApply(rotation({ status: "failed", deployments: null }), now)).toBe(false);
    for (const status of ["applied", "rolled_back", "completed"])
      expect(canApply(rotation({ status }), now)).toBe(false);
  });

  it("takes over an apply only once it has been silent longer than a live one ever is", () => {
    const silentFor = (ms: number) => rotation({ status: "applying", updatedAt: new Date(now.getTime() - ms) });
    expect(canApply(silentFor(STALE_APPLY_MS), now)).toBe(false);
    expect(canApply(silentFor(STALE_APPLY_MS + 1), now)).toBe(true);
  });

  it("rolls back only an applied rotation whose old named value is still kept", () => {
    const applied = { status: "applied", deleteAfter: new Date(now.getTime() + 1000) };
    expect(canRollBack(rotation(applied), now)).toBe(true);
    expect(canRollBack(rotation({ ...applied, deleteAfter: now }), now)).toBe(false);
    expect(canRollBack(rotation({ ...applied, deletedAt: now }), now)).toBe(false);
    expect(canRollBack(rotation({ status: "rollback_planned", deleteAfter: applied.deleteAfter }), now)).toBe(false);
  });

  it("lets a roll back take over another's claim only once that one has been silent longer than a live one ever is", () => {
    const claimed = (ms: number) =>
      rotation({
        status: "rollback_planning",
        deleteAfter: new Date(now.getTime() + 1000),
        updatedAt: new Date(now.getTime() - ms),
      });
    expect(canRollBack(claimed(STALE_APPLY_MS), now)).toBe(false);
    expect(canRollBack(claimed(STALE_APPLY_MS + 1), now)).toBe(true);
    expect(isOpen(claimed(0))).toBe(true);
  });

  it("holds the secret while it can still change its references", () => {
    expect(isOpen(rotation({ status: "applied" }))).toBe(true);
    expect(isOpen(rotation({ status: "applying" }))).toBe(true);
    expect(isOpen(rotation({ status: "failed", deployments: null }))).toBe(false);
    expect(isOpen(rotation({ status: "completed" }))).toBe(false);
  });
});
