-- The actor filter at a million events (lib/audit/README.md, "Filters at scale"). Mirrors
-- prisma/schema.prisma.

-- The filter is "object id, or part of the name": a substring match, which the trigram index on
-- the million events answered as a bitmap of every matching event, unordered, so PostgreSQL
-- preferred walking the primary key backwards — a whole-table walk for an actor with a few old
-- events or none (2-3 s). But the names belong to a few hundred actors, not to a million events:
-- the filter now finds the matching actors (each object id with each name it was recorded
-- under) in this small table, then reads each one's newest events from an index keyed on
-- (actor_oid, actor_name, seq). An actor matching nothing costs one look-up in this table.
CREATE TABLE "audit_actors" (
    "actor_oid" TEXT NOT NULL,
    "actor_name" TEXT NOT NULL,
    CONSTRAINT "audit_actors_pkey" PRIMARY KEY ("actor_oid", "actor_name")
);
CREATE INDEX "audit_actors_actor_name_trgm_idx" ON "audit_actors" USING gin ("actor_name" gin_trgm_ops);
INSERT INTO "audit_actors" ("actor_oid", "actor_name")
SELECT DISTINCT "actor_oid", "actor_name" FROM "audit_events";

-- Kept by the database: every statement that appends events adds their actors (SECURITY
-- DEFINER: the runtime role may only read the table, so no one can hide an actor's events
-- from the filter by removing it).
CREATE FUNCTION "audit_events_record_actors"() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO "audit_actors" ("actor_oid", "actor_name")
    SELECT DISTINCT "actor_oid", "actor_name" FROM "appended"
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER "audit_events_record_actors"
    AFTER INSERT ON "audit_events" REFERENCING NEW TABLE AS "appended"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_record_actors"();
CREATE TRIGGER "audit_actors_no_update_delete"
    BEFORE UPDATE OR DELETE ON "audit_actors"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();
CREATE TRIGGER "audit_actors_no_truncate"
    BEFORE TRUNCATE ON "audit_actors"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();

-- Each matching actor's events, newest first, straight from the index. It replaces the
-- (actor_oid, seq) index (an object id is a matching actor too) and the trigram index over
-- every event's name, which every append had to update.
DROP INDEX "audit_events_actor_oid_seq_idx";
DROP INDEX "audit_events_actor_name_trgm_idx";
CREATE INDEX "audit_events_actor_oid_actor_name_seq_idx" ON "audit_events"("actor_oid", "actor_name", "seq");

-- The runtime role may read audit_actors, never change it: the function of 20261204400000
-- with that line added.
CREATE OR REPLACE FUNCTION "portcullis_grant_runtime"("runtime" regrole) RETURNS void LANGUAGE plpgsql AS $$
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
    -- Written by the migrations only.
    EXECUTE format('REVOKE ALL ON "audit_time_order" FROM %s', "runtime");
    EXECUTE format('GRANT SELECT ON "audit_time_order" TO %s', "runtime");
    -- Written by the insert trigger of audit_events only.
    EXECUTE format('REVOKE ALL ON "audit_actors" FROM %s', "runtime");
    EXECUTE format('GRANT SELECT ON "audit_actors" TO %s', "runtime");
END;
$$;
