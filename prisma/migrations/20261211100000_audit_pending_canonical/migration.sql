-- Events wait in the queue with the canonical JSON text of their before and after, as the chain
-- stores it (migration 20261207600000_audit_canonical_payload): the database can then hash them
-- itself (EVENT_DIGEST_SQL), so the sequencer chains what waits in one statement instead of
-- reading every waiting event into the application and writing it back (lib/audit/README.md,
-- "Appending: group commit"). Events queued without it — before this migration, or with an
-- `after` only their statement computed (jsonb) — keep "before"/"after" and are hashed by the
-- application as before. The runtime role's INSERT grant covers the new columns.
ALTER TABLE "audit_pending" ADD COLUMN "before_canonical" TEXT, ADD COLUMN "after_canonical" TEXT;

-- The chain derives jsonb from this text (audit_events' generated "before"/"after"), so text that
-- jsonb refuses (a \u0000, which the jsonb columns refused at the change's commit) would be an
-- event that can never be chained, holding up every event behind it. Refused here instead: the
-- change that records such an event fails with it, as before (fail closed).
ALTER TABLE "audit_pending" ADD CONSTRAINT "audit_pending_canonical_is_jsonb"
    CHECK (("before_canonical" IS NULL OR "before_canonical"::jsonb IS NOT NULL)
        AND ("after_canonical" IS NULL OR "after_canonical"::jsonb IS NOT NULL));
