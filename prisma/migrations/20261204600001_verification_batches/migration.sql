-- "Verify all" on an instance (lib/verification): one batch, its APIs verified with a concurrency
-- limit; each verification names its batch, so progress is the count of its verifications.
CREATE TABLE "verification_batches" (
    "id" UUID NOT NULL,
    "instance_id" UUID NOT NULL,
    "total" INTEGER NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "started_by" TEXT NOT NULL,
    "request_id" TEXT,
    CONSTRAINT "verification_batches_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "verification_batches_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
ALTER TABLE "verifications" ADD COLUMN "batch_id" UUID;
ALTER TABLE "verifications" ADD CONSTRAINT "verifications_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "verification_batches"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "verifications_batch_id_idx" ON "verifications"("batch_id");
