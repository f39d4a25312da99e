-- Four-eyes approval (issue 9). Per instance: its environment and whether applies need approval.
-- approvals_required NULL means "the default for the environment": 1 for production, 0 (no
-- approval) otherwise, so every instance registered before this migration keeps applying as before.
ALTER TABLE "instances" ADD COLUMN "environment" TEXT;
ALTER TABLE "instances" ADD COLUMN "approvals_required" INTEGER;
ALTER TABLE "instances" ADD COLUMN "automation_approvers" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "instances" ADD COLUMN "approval_lifetime_hours" INTEGER NOT NULL DEFAULT 24;
ALTER TABLE "instances" ADD CONSTRAINT "instances_approvals_required" CHECK ("approvals_required" IN (0, 1, 2));
ALTER TABLE "instances" ADD CONSTRAINT "instances_approval_lifetime_hours" CHECK ("approval_lifetime_hours" BETWEEN 1 AND 720);

-- Who made a plan, by object id: names are not unique, and the author's own approval never counts.
-- NULL for plans made before this migration (their author is then matched by name).
ALTER TABLE "plans" ADD COLUMN "created_by_oid" TEXT;

-- One admin's approval or rejection of a plan, bound to the plan's content hash at the time
-- (lib/deployments/plan/plan-hash.ts): a plan whose content differs from what was approved has no
-- approval. expires_at is fixed when approving (the instance's lifetime then); expiry_audited_at
-- records that the approval's expiry was written to the audit history (once).
CREATE TABLE "plan_approvals" (
    "id" UUID NOT NULL,
    "plan_id" UUID NOT NULL,
    "plan_hash" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "actor_type" TEXT NOT NULL,
    "actor_oid" TEXT NOT NULL,
    "actor_name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "expiry_audited_at" TIMESTAMPTZ(3),
    CONSTRAINT "plan_approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "plan_approvals_decision" CHECK ("decision" IN ('approved', 'rejected')),
    CONSTRAINT "plan_approvals_reason" CHECK ("decision" = 'approved' OR "reason" IS NOT NULL),
    CONSTRAINT "plan_approvals_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "plan_approvals_plan_id_created_at_idx" ON "plan_approvals"("plan_id", "created_at");

-- The audit history filtered by a plan's hash (request, approvals, rejections, expiry, apply).
CREATE INDEX "audit_events_plan_hash_seq_idx" ON "audit_events"(("after"->>'planHash'), "seq") WHERE "after" ? 'planHash';
