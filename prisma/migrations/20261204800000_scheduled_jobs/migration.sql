-- Work that runs on its own (drift scans, checkpoint signing, webhook deliveries), safe with
-- several Portcullis processes on one database: a process runs a due job only after claiming
-- it with one conditional UPDATE (next_run_at due and no unexpired lease), so exactly one
-- process wins; a lease that expires (its process crashed) lets another take the job over.
CREATE TABLE "scheduled_jobs" (
    "name" TEXT NOT NULL,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "last_run_at" TIMESTAMPTZ(3),
    "last_finished_at" TIMESTAMPTZ(3),
    "last_outcome" TEXT,
    "last_summary" TEXT,
    "last_error" TEXT,
    "state" JSONB,
    CONSTRAINT "scheduled_jobs_pkey" PRIMARY KEY ("name"),
    CONSTRAINT "scheduled_jobs_outcome" CHECK ("last_outcome" IN ('succeeded', 'failed'))
);
