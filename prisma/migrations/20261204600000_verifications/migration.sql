-- Verifications (lib/verification): probes sent through an API's gateway with a stated expectation
-- each, and what the gateway answered. Never a token, a key or a response body: only statuses,
-- latencies, the gateway's request id and words about them. Mirrors prisma/schema.prisma.
CREATE TABLE "verifications" (
    "id" UUID NOT NULL,
    "api_id" UUID NOT NULL,
    -- `running`, `proven`, `unproven` (nothing failed, but not everything was proven), `failed`
    -- (a probe got another answer than expected) or `error` (the probes could not run).
    "status" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "gateway_url" TEXT,
    -- The call the probes make: method, path below the gateway, operation and product.
    "target" JSONB,
    "notes" JSONB NOT NULL DEFAULT '[]',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "started_by" TEXT NOT NULL,
    "request_id" TEXT,
    CONSTRAINT "verifications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "verifications_api_id_fkey" FOREIGN KEY ("api_id") REFERENCES "apis"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "verifications_api_id_started_at_idx" ON "verifications"("api_id", "started_at");

CREATE TABLE "verification_probes" (
    "id" UUID NOT NULL,
    "verification_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    -- `noToken`, `notAllowedClient`, `wrongAudience`, `expired`, `missingClaim` or `allowedClient`.
    "kind" TEXT NOT NULL,
    -- Whose token the probe sent, in words (display name and client id), never the token.
    "caller" TEXT,
    -- `passed`, `failed`, `not_probed` or `error` (the gateway could not be reached or limited us).
    "outcome" TEXT NOT NULL,
    -- What the what-if evaluator expects: decision, status, the deciding statement.
    "expected" JSONB,
    "actual_status" INTEGER,
    "latency_ms" INTEGER,
    "gateway_request_id" TEXT,
    -- Why it failed (the likely cause) or why it was not probed.
    "detail" TEXT,
    CONSTRAINT "verification_probes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "verification_probes_verification_id_fkey" FOREIGN KEY ("verification_id") REFERENCES "verifications"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "verification_probes_verification_id_seq_key" ON "verification_probes"("verification_id", "seq");
