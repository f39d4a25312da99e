-- Separation of duties for the four-eyes settings (issue 9): a change that lowers an instance's
-- protection while its applies need approval is held here until admins other than its author
-- approve it, counted like a plan's approvals (lib/deployments/approval/approval-rules.ts).
CREATE TABLE "instance_settings_changes" (
    "id" UUID NOT NULL,
    "instance_id" UUID NOT NULL,
    "change_hash" TEXT NOT NULL,
    "before" JSONB NOT NULL,
    "after" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "requested_by" TEXT NOT NULL,
    "requested_by_oid" TEXT NOT NULL,
    "requested_by_type" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    CONSTRAINT "instance_settings_changes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "instance_settings_changes_status" CHECK ("status" IN ('pending', 'applied', 'rejected', 'superseded')),
    CONSTRAINT "instance_settings_changes_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "instance_settings_changes_instance_id_created_at_idx" ON "instance_settings_changes"("instance_id", "created_at");
-- One pending change per instance: asking for another supersedes it.
CREATE UNIQUE INDEX "instance_settings_changes_one_pending" ON "instance_settings_changes"("instance_id") WHERE "status" = 'pending';

CREATE TABLE "instance_settings_change_approvals" (
    "id" UUID NOT NULL,
    "change_id" UUID NOT NULL,
    "change_hash" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "actor_type" TEXT NOT NULL,
    "actor_oid" TEXT NOT NULL,
    "actor_name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "expiry_audited_at" TIMESTAMPTZ(3),
    CONSTRAINT "instance_settings_change_approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "instance_settings_change_approvals_decision" CHECK ("decision" IN ('approved', 'rejected')),
    CONSTRAINT "instance_settings_change_approvals_reason" CHECK ("decision" = 'approved' OR "reason" IS NOT NULL),
    CONSTRAINT "instance_settings_change_approvals_change_id_fkey" FOREIGN KEY ("change_id") REFERENCES "instance_settings_changes"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "instance_settings_change_approvals_change_id_created_at_idx" ON "instance_settings_change_approvals"("change_id", "created_at");
