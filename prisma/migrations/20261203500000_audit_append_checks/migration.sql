-- The audit chain checked by the database itself (lib/audit/README.md, "What the database
-- guarantees"). Mirrors prisma/schema.prisma.

-- Events of committed changes wait here until the sequencer chains them (group commit): a
-- change's transaction writes its event here, with no lock shared by unrelated changes, and
-- one short transaction later gives many waiting events their sequence numbers and hashes.
CREATE TABLE "audit_pending" (
    "id" BIGSERIAL NOT NULL,
    "event_id" UUID NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "actor_type" TEXT NOT NULL,
    "actor_oid" TEXT NOT NULL,
    "actor_tid" TEXT,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "outcome" TEXT NOT NULL,
    "request_id" TEXT,
    "arm_correlation_id" TEXT,
    "client_ip" TEXT,
    CONSTRAINT "audit_pending_pkey" PRIMARY KEY ("id")
);

-- The head also remembers the last event's time: times never go backwards along the chain.
ALTER TABLE "audit_chain_head" ADD COLUMN "last_time" TIMESTAMPTZ(3);
UPDATE "audit_chain_head" SET "last_time" = (SELECT max("time") FROM "audit_events");
ALTER TABLE "audit_chain_head" ADD CONSTRAINT "audit_chain_head_one_row" CHECK ("id" = 1);

-- Every insert into audit_events must continue the chain exactly where the head is: the next
-- sequence number, the head's hash as its previous hash, a time not before the head's. The
-- same trigger moves the head, so an event and the head that points at it commit together.
-- SECURITY DEFINER: it runs as the owner, so the runtime role needs no UPDATE on the head.
CREATE FUNCTION "audit_events_continue_chain"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    head "audit_chain_head"%ROWTYPE;
BEGIN
    SELECT * INTO head FROM "audit_chain_head" WHERE "id" = 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'audit_chain_head is missing' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW."seq" IS DISTINCT FROM head."last_seq" + 1 THEN
        RAISE EXCEPTION 'audit event refused: its sequence is %, the chain continues at %', NEW."seq", head."last_seq" + 1
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW."prev_hash" IS DISTINCT FROM head."last_hash" THEN
        RAISE EXCEPTION 'audit event % refused: its previous hash is not the hash of event %', NEW."seq", head."last_seq"
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW."hash" !~ '^[0-9a-f]{64}$' THEN
        RAISE EXCEPTION 'audit event % refused: its hash is not a SHA-256 in hex', NEW."seq"
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF head."last_time" IS NOT NULL AND NEW."time" < head."last_time" THEN
        RAISE EXCEPTION 'audit event % refused: its time % is before the time of event % (%)',
            NEW."seq", NEW."time", head."last_seq", head."last_time"
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    UPDATE "audit_chain_head" SET "last_seq" = NEW."seq", "last_hash" = NEW."hash", "last_time" = NEW."time"
        WHERE "id" = 1;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_events_continue_chain"
    BEFORE INSERT ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_continue_chain"();

-- The head only moves forward, one event at a time, and is never removed.
CREATE FUNCTION "audit_chain_head_forward_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'audit_chain_head: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW."id" <> OLD."id" OR NEW."last_seq" <> OLD."last_seq" + 1
        OR (OLD."last_time" IS NOT NULL AND NEW."last_time" < OLD."last_time") THEN
        RAISE EXCEPTION 'the audit chain head only moves forward, one event at a time (from % to %)',
            OLD."last_seq", NEW."last_seq"
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_chain_head_forward_only"
    BEFORE UPDATE OR DELETE ON "audit_chain_head"
    FOR EACH ROW EXECUTE FUNCTION "audit_chain_head_forward_only"();
CREATE TRIGGER "audit_chain_head_no_truncate"
    BEFORE TRUNCATE ON "audit_chain_head"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_chain_head_forward_only"();

-- Signed checkpoints: (sequence, head hash, time) signed with a key the database never holds
-- (lib/audit/README.md, "Signed checkpoints"). Append-only like the events; notifiers read
-- them in id order and keep their own delivery state.
CREATE TABLE "audit_checkpoints" (
    "id" BIGSERIAL NOT NULL,
    "seq" BIGINT NOT NULL,
    "head_hash" TEXT NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "alg" TEXT NOT NULL,
    "kid" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_checkpoints_seq_idx" ON "audit_checkpoints"("seq");

-- A checkpoint can only be stored for an event that exists, with that event's hash.
CREATE FUNCTION "audit_checkpoints_match_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM "audit_events" WHERE "seq" = NEW."seq" AND "hash" = NEW."head_hash") THEN
        RAISE EXCEPTION 'audit checkpoint refused: event % does not have hash %', NEW."seq", NEW."head_hash"
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER "audit_checkpoints_match_chain"
    BEFORE INSERT ON "audit_checkpoints"
    FOR EACH ROW EXECUTE FUNCTION "audit_checkpoints_match_chain"();
CREATE TRIGGER "audit_checkpoints_no_update_delete"
    BEFORE UPDATE OR DELETE ON "audit_checkpoints"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
CREATE TRIGGER "audit_checkpoints_no_truncate"
    BEFORE TRUNCATE ON "audit_checkpoints"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();

-- What the runtime role (DATABASE_URL's user, when MIGRATION_DATABASE_URL names another) may
-- do. The migrator calls this after every migration run, so tables added later are covered;
-- a later migration that adds an append-only table replaces this function to list it.
CREATE FUNCTION "portcullis_grant_runtime"("runtime" regrole) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- PostgreSQL before 15 lets everyone create objects in public; the runtime role needs none.
    EXECUTE 'REVOKE CREATE ON SCHEMA public FROM PUBLIC';
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %s', "runtime");
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %s', "runtime");
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %s', "runtime");
    EXECUTE format('REVOKE ALL ON "_prisma_migrations" FROM %s', "runtime");
    -- The audit history: read and append, nothing else. The head moves only through the
    -- insert trigger above, which runs as the owner.
    EXECUTE format('REVOKE ALL ON "audit_events", "audit_checkpoints", "audit_chain_head" FROM %s', "runtime");
    EXECUTE format('GRANT SELECT, INSERT ON "audit_events", "audit_checkpoints" TO %s', "runtime");
    EXECUTE format('GRANT SELECT ON "audit_chain_head" TO %s', "runtime");
    -- Waiting events are deleted as they join the chain.
    EXECUTE format('REVOKE ALL ON "audit_pending" FROM %s', "runtime");
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON "audit_pending" TO %s', "runtime");
END;
$$;
REVOKE ALL ON FUNCTION "portcullis_grant_runtime"(regrole) FROM PUBLIC;
