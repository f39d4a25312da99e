-- Plans, deployments and drift (lib/deployments). Mirrors prisma/schema.prisma.

-- What APIM holds once a plan is applied (desired bodies, the ETags the plan read for entities it
-- does not write, named values referenced): the deployment's baseline for drift is built from it.
ALTER TABLE "plans" ADD COLUMN "desired_state" JSONB NOT NULL DEFAULT '{}';

-- A step may send several requests (retries, the re-read after a lost answer): keep every
-- x-ms-request-id, in order, so ARM support can find each of them.
ALTER TABLE "deployment_steps" DROP COLUMN "arm_request_id";
ALTER TABLE "deployment_steps" ADD COLUMN "arm_request_ids" TEXT[] NOT NULL DEFAULT '{}';
-- Why a step ended as it did when the status alone does not say (skipped, reconciled after a lost answer).
ALTER TABLE "deployment_steps" ADD COLUMN "note" TEXT;

-- Re-applying a plan looks up the earlier deployments of that plan.
CREATE INDEX "deployments_plan_id_idx" ON "deployments"("plan_id");
