-- Audit lists at a million events (lib/audit/README.md, "Filters at scale"). Mirrors prisma/schema.prisma.

-- Lists are newest first (ORDER BY seq DESC LIMIT n): each filter's index ends in seq, so a
-- filter reads its newest matching events straight from the index, however old they are, and a
-- cursor page starts where the last one ended. (Keyed on time they made a filter matching only
-- old events walk the whole primary key backwards.)
DROP INDEX "audit_events_actor_oid_time_idx";
DROP INDEX "audit_events_action_time_idx";
DROP INDEX "audit_events_target_type_target_id_time_idx";
CREATE INDEX "audit_events_actor_oid_seq_idx" ON "audit_events"("actor_oid", "seq");
-- text_pattern_ops: also serves the action prefix filter (LIKE 'deployment.%') in any collation.
CREATE INDEX "audit_events_action_seq_idx" ON "audit_events"("action" text_pattern_ops, "seq");
CREATE INDEX "audit_events_target_type_target_id_seq_idx" ON "audit_events"("target_type", "target_id", "seq");

-- The actor filter matches part of a name (ILIKE '%…%'), which no B-tree serves: a trigram index
-- does. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "audit_events_actor_name_trgm_idx" ON "audit_events" USING gin ("actor_name" gin_trgm_ops);

-- Times never go backwards along the chain from some event on (the insert trigger of
-- 20261203500000 refuses an earlier time than the head's), so a time range is a range of
-- sequence numbers, found with two probes of the time index. History written before that
-- trigger may not be in time order: `ordered_from` is the first event from which it is (every
-- event from there on is not before any event before it); earlier ones are checked one by one.
CREATE TABLE "audit_time_order" (
    "id" INTEGER NOT NULL,
    "ordered_from" BIGINT NOT NULL,
    CONSTRAINT "audit_time_order_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "audit_time_order_one_row" CHECK ("id" = 1)
);
INSERT INTO "audit_time_order" ("id", "ordered_from")
SELECT 1, COALESCE(max("seq") + 1, 1)
  FROM (SELECT "seq", "time" < max("time") OVER (ORDER BY "seq" ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS "back"
          FROM "audit_events") AS "events"
 WHERE "back";

-- The runtime role may read audit_time_order, never change it: the function below replaces the
-- one of 20261203500000 with that line added.
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
END;
$$;
