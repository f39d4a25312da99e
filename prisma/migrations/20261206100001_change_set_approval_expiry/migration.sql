-- A change set approval's expiry is written to the audit history once, as a plan approval's is
-- (plan_approvals.expiry_audited_at).
ALTER TABLE "change_set_approvals" ADD COLUMN "expiry_audited_at" TIMESTAMPTZ(3);
