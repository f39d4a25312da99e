-- Change sets (issue 9): one change to many APIs' access profiles, planned per API, approved once
-- (bound to a hash over all its plans' content hashes) and applied under a concurrency limit.
-- Per-API state lives in change_set_items so an apply resumes after a restart: a process claims
-- the set with lease_owner/lease_expires_at (renewed while it runs; an expired lease is taken over).
CREATE TABLE "change_sets" (
    "id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "change" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "created_by_oid" TEXT NOT NULL,
    "apply_started_at" TIMESTAMPTZ(3),
    "apply_started_by" TEXT,
    "cancel_requested_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    CONSTRAINT "change_sets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "change_sets_status" CHECK ("status" IN ('ready', 'applying', 'finished', 'cancelled'))
);
CREATE INDEX "change_sets_status_idx" ON "change_sets"("status");
CREATE INDEX "change_sets_created_at_idx" ON "change_sets"("created_at");

-- One API of a change set: its plan (of the profile version the change saved), and what applying did.
CREATE TABLE "change_set_items" (
    "change_set_id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "plan_id" UUID,
    -- The plan's content hash when the set was made: the set's hash is computed from these, and
    -- approving or applying recomputes each from its plan row and refuses the set if one differs.
    "plan_hash" TEXT,
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "blocking" JSONB NOT NULL DEFAULT '[]',
    "deployment_id" UUID,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "change_set_items_pkey" PRIMARY KEY ("change_set_id", "api_id"),
    CONSTRAINT "change_set_items_status" CHECK ("status" IN ('blocked', 'unchanged', 'planned', 'queued', 'running', 'succeeded', 'failed', 'conflicted', 'cancelled')),
    CONSTRAINT "change_set_items_change_set_id_fkey" FOREIGN KEY ("change_set_id") REFERENCES "change_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "change_set_items_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "apis"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "change_set_items_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "change_set_items_plan_id_idx" ON "change_set_items"("plan_id");

-- One admin's approval or rejection of a whole change set, bound to the set's hash (the hash of
-- its plans' content hashes): the same rules as plan_approvals.
CREATE TABLE "change_set_approvals" (
    "id" UUID NOT NULL,
    "change_set_id" UUID NOT NULL,
    "set_hash" TEXT NOT NULL,
    "decision" TEXT NOT NULL,
    "reason" TEXT,
    "actor_type" TEXT NOT NULL,
    "actor_oid" TEXT NOT NULL,
    "actor_name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "change_set_approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "change_set_approvals_decision" CHECK ("decision" IN ('approved', 'rejected')),
    CONSTRAINT "change_set_approvals_reason" CHECK ("decision" = 'approved' OR "reason" IS NOT NULL),
    CONSTRAINT "change_set_approvals_change_set_id_fkey" FOREIGN KEY ("change_set_id") REFERENCES "change_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "change_set_approvals_change_set_id_created_at_idx" ON "change_set_approvals"("change_set_id", "created_at");
