-- Verification settings of an instance (lib/verification): a gateway URL that probes use instead
-- of the one ARM reports (a custom domain, a self-hosted gateway), and whether every successful
-- apply is followed by a verification of its API.
ALTER TABLE "instances" ADD COLUMN "gateway_url" TEXT;
ALTER TABLE "instances" ADD COLUMN "verify_after_apply" BOOLEAN NOT NULL DEFAULT false;
