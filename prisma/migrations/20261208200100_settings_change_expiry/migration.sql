-- A pending instance settings change expires, as an approval does: after its instance's approval
-- lifetime (instances.approval_lifetime_hours when it was asked for). The approval-expiry job
-- marks it `expired` and audits it once (lib/deployments/approval/expire-approvals.ts); until
-- then nobody may approve it and the waiting lists leave it out.
ALTER TABLE "instance_settings_changes" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
UPDATE "instance_settings_changes" c
   SET "expires_at" = c."created_at" + make_interval(hours => i."approval_lifetime_hours")
  FROM "instances" i
 WHERE i."id" = c."instance_id";
ALTER TABLE "instance_settings_changes" ALTER COLUMN "expires_at" SET NOT NULL;
ALTER TABLE "instance_settings_changes" DROP CONSTRAINT "instance_settings_changes_status";
ALTER TABLE "instance_settings_changes" ADD CONSTRAINT "instance_settings_changes_status"
  CHECK ("status" IN ('pending', 'applied', 'rejected', 'superseded', 'expired'));
-- The job's look-up: pending changes by expiry.
CREATE INDEX "instance_settings_changes_pending_expires_at_idx" ON "instance_settings_changes"("expires_at") WHERE "status" = 'pending';
