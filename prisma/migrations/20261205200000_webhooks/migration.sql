-- Webhooks an admin registers, for one instance (instance_id) or for all (NULL), and the outbox of
-- their deliveries (lib/notifications). An event is written to webhook_deliveries in the same
-- transaction as the change it tells of, so a crash never loses one; the webhook-deliveries job
-- sends them, retrying with backoff.
--
-- The signing secret is never stored: secret_salt is random, and the secret is
-- HMAC-SHA256(FINGERPRINT_KEY, salt), recomputed when signing (docs/decisions/0007).
CREATE TABLE "webhooks" (
    "id" UUID NOT NULL,
    "instance_id" UUID,
    "url" TEXT NOT NULL,
    "events" TEXT[] NOT NULL,
    "format" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "secret_salt" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhooks_format" CHECK ("format" IN ('cloudevents', 'teams', 'slack')),
    CONSTRAINT "webhooks_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "webhooks_instance_id_idx" ON "webhooks"("instance_id");

-- One event for one webhook. payload is the CloudEvent as sent (never a secret); status moves
-- pending -> delivered | failed (retried: next_attempt_at) -> given_up. A sender claims a due row
-- by moving next_attempt_at forward with a conditional UPDATE, so two processes never send it twice
-- at once and a crashed sender's claim lapses.
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "webhook_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_attempt_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_status" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_status" CHECK ("status" IN ('pending', 'delivered', 'failed', 'given_up')),
    CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_event_id_key" ON "webhook_deliveries"("webhook_id", "event_id");
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"("next_attempt_at") WHERE "status" IN ('pending', 'failed');
CREATE INDEX "webhook_deliveries_webhook_id_created_at_idx" ON "webhook_deliveries"("webhook_id", "created_at" DESC);
