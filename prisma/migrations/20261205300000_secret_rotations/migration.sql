-- Key rotation without holding a key: a rotation writes the new value to a NEW named value, moves
-- every profile reference to it through ordinary plans, and deletes the old named value only
-- after a grace period (during which "roll back" moves the references back). No value is stored:
-- only names and HMAC fingerprints.
CREATE TABLE "secret_rotations" (
    "id" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "instance_id" UUID NOT NULL,
    -- planned | applying | applied | failed | rollback_planned | rolled_back | completed
    "status" TEXT NOT NULL,
    "old_named_value_id" TEXT NOT NULL,
    "old_display_name" TEXT NOT NULL,
    "old_fingerprint" TEXT,
    -- The secret's rotated_at before this rotation: a roll back restores the key's age with it.
    "old_rotated_at" TIMESTAMPTZ(3),
    "new_named_value_id" TEXT NOT NULL,
    "new_display_name" TEXT NOT NULL,
    "new_fingerprint" TEXT NOT NULL,
    -- The plans of the switch to the new named value, then those of a roll back ([{apiId, planId}]).
    "plans" JSONB NOT NULL,
    "rollback_plans" JSONB,
    -- [{apiId, deploymentId, status}] of the last apply, and [{apiId, verificationId, status}].
    "deployments" JSONB,
    "verifications" JSONB,
    "grace_minutes" INTEGER NOT NULL,
    "applied_at" TIMESTAMPTZ(3),
    -- The named value no reference uses any more (old after an apply, new after a roll back) and
    -- when the scheduled job may delete it.
    "retired_named_value_id" TEXT,
    "delete_after" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "secret_rotations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "secret_rotations_secret_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE RESTRICT,
    CONSTRAINT "secret_rotations_instance_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE RESTRICT,
    CONSTRAINT "secret_rotations_status" CHECK ("status" IN ('planned', 'applying', 'applied', 'failed', 'rollback_planned', 'rolled_back', 'completed')),
    CONSTRAINT "secret_rotations_grace" CHECK ("grace_minutes" >= 0)
);
CREATE INDEX "secret_rotations_secret_idx" ON "secret_rotations" ("secret_id", "created_at" DESC);
-- The scheduled clean-up looks only at rotations with a named value left to delete.
CREATE INDEX "secret_rotations_due_idx" ON "secret_rotations" ("delete_after") WHERE "deleted_at" IS NULL AND "retired_named_value_id" IS NOT NULL;

-- Rotation policy per secret: rotate every N days (null: no policy); when "due" was last announced.
ALTER TABLE "secrets" ADD COLUMN "rotation_interval_days" INTEGER;
ALTER TABLE "secrets" ADD COLUMN "rotation_due_notified_at" TIMESTAMPTZ(3);
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_rotation_interval" CHECK ("rotation_interval_days" IS NULL OR "rotation_interval_days" BETWEEN 1 AND 3650);
