-- The verification probes sent to each gateway in the last minute, shared by every Portcullis
-- process: one row per gateway (its origin) holding the send times, so a probe's slot is taken
-- with one INSERT ... ON CONFLICT DO UPDATE that locks the row, drops the times older than a
-- minute and adds one only while fewer than the limit remain (lib/verification/probe-budget.ts).
CREATE TABLE "probe_budgets" (
    "gateway" TEXT NOT NULL,
    "sent_at" TIMESTAMPTZ(3)[] NOT NULL,
    CONSTRAINT "probe_budgets_pkey" PRIMARY KEY ("gateway")
);
