-- The canonical text becomes the only stored before/after of new events; the jsonb that lists,
-- exports and filters read is derived from it by the database (lib/audit/README.md, "Verifying
-- in the database"). Before, the chain stored both, and verification compared them for every
-- event (either one changed alone is an altered event): a fifth of its database time. A stored
-- generated column cannot be written at all (only ALTER TABLE can change what it holds), so
-- for events whose before/after exist only as canonical text there is nothing to compare.
--
-- Events stored before this migration keep their jsonb, renamed *_legacy: the derived column
-- takes it where it exists (events older than the canonical text have nothing else; events
-- written since migration 20261207600000 have both, and verification still compares those).
-- The chain's hash definition does not change: the canonical text is what was hashed.
ALTER TABLE "audit_events" RENAME COLUMN "before" TO "before_legacy";
ALTER TABLE "audit_events" RENAME COLUMN "after" TO "after_legacy";
--
-- text_plain: none of the text columns the hash covers holds a character JSON escapes (a quote,
-- a backslash, a control character), so the database can quote them as they are when it
-- rebuilds the hashed text instead of calling to_json on each (half of building it). Generated
-- as well, so it cannot say "plain" of text that is not.
ALTER TABLE "audit_events"
    ADD COLUMN "before" JSONB GENERATED ALWAYS AS (COALESCE("before_legacy", NULLIF("before_canonical", 'null')::jsonb)) STORED,
    ADD COLUMN "after" JSONB GENERATED ALWAYS AS (COALESCE("after_legacy", NULLIF("after_canonical", 'null')::jsonb)) STORED,
    ADD COLUMN "text_plain" BOOLEAN GENERATED ALWAYS AS (("action" || "actor_name" || "actor_oid" || COALESCE("actor_tid", '')
        || "actor_type" || COALESCE("arm_correlation_id", '') || COALESCE("client_ip", '') || "outcome"
        || COALESCE("request_id", '') || "target_id" || "target_type" || "prev_hash") !~ '["\\\x01-\x1f]') STORED;

-- The plan-hash and change-hash indexes (20261205500000, 20261208200000) followed the rename:
-- they are rebuilt, word for word, on the derived column.
DROP INDEX "audit_events_plan_hash_seq_idx";
CREATE INDEX "audit_events_plan_hash_seq_idx" ON "audit_events"(("after"->>'planHash'), "seq") WHERE "after" ? 'planHash';
DROP INDEX "audit_events_change_hash_seq_idx";
CREATE INDEX "audit_events_change_hash_seq_idx" ON "audit_events"((COALESCE("after"->>'setHash', "after"->>'changeHash')), "seq")
  WHERE "after" ? 'setHash' OR "after" ? 'changeHash';
