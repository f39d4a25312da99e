import { randomUUID } from "node:crypto";
import { Prisma } from "../db";
import type { AuditInput } from "./audit-input";
import { canonicalJson } from "./canonical-json";

/** An event for `auditedStatement`, queued only when `when` (an SQL boolean) holds. */
export interface QueuedEvent {
  event: AuditInput;
  when?: Prisma.Sql;
  /**
   * The event's `after` as the statement computes it, instead of `event.after`: for a change whose
   * outcome only the statement knows, e.g. how many rows it inserted. A text expression over the
   * statement's WITH items giving the value's canonical JSON (canonical-json.ts, RFC 8785: keys in
   * sorted order, no spaces), which the chain hashes as it is; the queue's check refuses text that
   * is not JSON. As text the event is chained like any other (one sequencer run, or in the
   * statement on PGlite), not by the two-statement run for jsonb.
   */
  afterCanonicalSql?: Prisma.Sql;
}

/** The columns every recorded event carries, in the order `audit_given` (statementEventsSql) gives them. */
export const AUDIT_COLUMNS = `event_id, "time", actor_type, actor_oid, actor_tid, actor_name, "action", target_type,
  target_id, "before", "after", outcome, request_id, arm_correlation_id, client_ip`;

/**
 * The WITH item `audit_given`: a statement's events as rows (`ord`, their place from 1; `wanted`,
 * whether their `when` holds; then AUDIT_COLUMNS, before/after as the canonical JSON text the
 * chain stores and hashes, 'null' for none), each column ONE array parameter unnested in
 * SQL, whatever the number of events. A VALUES row per event made a change set's statement of
 * 401 events 6,400 parameters, which PostgreSQL took 17–73 ms to plan (bench/README.md,
 * "Versions stored with the set"). The values are what the VALUES rows sent, so the stored
 * columns, and the hashes over them, are the same. Only `when` and `afterCanonicalSql` are per-event SQL:
 * a CASE on `ord`, one branch per condition (events sharing a condition object share its branch).
 */
export function statementEventsSql(events: readonly QueuedEvent[]): Prisma.Sql {
  if (events.length === 0) throw new Error("auditedStatement: no event to queue");
  const rows = events.map(({ event }) => eventRow(event));
  const column = <T>(pick: (row: EventRow) => T) => rows.map(pick);
  const wanted = byOrdinal(events, (event) => event.when, Prisma.sql`TRUE`);
  const after = byOrdinal(
    events,
    (event) => event.afterCanonicalSql && Prisma.sql`(${event.afterCanonicalSql})::text`,
    Prisma.sql`q."after"`,
  );
  return Prisma.sql`audit_given AS (
    SELECT q.ord, ${wanted} AS wanted, q.event_id, q."time", q.actor_type, q.actor_oid, q.actor_tid, q.actor_name,
      q."action", q.target_type, q.target_id, q."before", ${after} AS "after", q.outcome, q.request_id,
      q.arm_correlation_id, q.client_ip
    FROM unnest(${column((row) => row.eventId)}::uuid[], ${column((row) => row.time.toISOString())}::timestamptz[],
      ${column((row) => row.actorType)}::text[], ${column((row) => row.actorOid)}::text[],
      ${column((row) => row.actorTid)}::text[], ${column((row) => row.actorName)}::text[],
      ${column((row) => row.action)}::text[], ${column((row) => row.targetType)}::text[],
      ${column((row) => row.targetId)}::text[], ${column((row) => canonicalText(row.before))}::text[],
      ${column((row) => canonicalText(row.after))}::text[], ${column((row) => row.outcome)}::text[],
      ${column((row) => row.requestId)}::text[], ${column((row) => row.armCorrelationId)}::text[],
      ${column((row) => row.clientIp)}::text[])
      WITH ORDINALITY AS q (${Prisma.raw(AUDIT_COLUMNS)}, ord)
  )`;
}

/**
 * `CASE q.ord WHEN … THEN <the event's SQL> … ELSE otherwise END` over the events that have SQL
 * of their own (`pick`); just `otherwise` when none has. The places are literals: a statement
 * keeps one text for one shape of events (prepared statements, lib/db/driver-sql.ts).
 */
function byOrdinal(
  events: readonly QueuedEvent[],
  pick: (event: QueuedEvent) => Prisma.Sql | undefined,
  otherwise: Prisma.Sql,
): Prisma.Sql {
  const places = new Map<Prisma.Sql, number[]>();
  events.forEach((event, index) => {
    const sql = pick(event);
    if (sql) places.set(sql, [...(places.get(sql) ?? []), index + 1]);
  });
  if (places.size === 0) return otherwise;
  const branches = [...places].map(
    ([sql, ords]) => Prisma.sql`WHEN q.ord IN (${Prisma.raw(ords.join(", "))}) THEN (${sql})`,
  );
  return Prisma.sql`(CASE ${Prisma.join(branches, " ")} ELSE ${otherwise} END)`;
}

/** The canonical JSON text a value is hashed and stored as ('null' for none). */
export const canonicalText = (value: Prisma.InputJsonValue | undefined) =>
  value === undefined ? "null" : canonicalJson(value);

export type EventRow = ReturnType<typeof eventRow>;

/** The row of an event, recorded now. */
export function eventRow(input: AuditInput) {
  const before = jsonOrUndefined(input.before);
  const after = jsonOrUndefined(input.after);
  return {
    eventId: randomUUID(),
    time: new Date(),
    actorType: input.actor.type,
    actorOid: input.actor.oid,
    actorTid: input.actor.tid || null,
    actorName: input.actor.name,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id,
    before,
    after,
    outcome: input.outcome,
    requestId: input.requestId ?? null,
    armCorrelationId: input.armCorrelationId ?? null,
    clientIp: input.clientIp ?? null,
  };
}

/**
 * JSON round-trip so what is hashed is exactly what jsonb stores (no undefined, no Dates);
 * absent and null are both stored as SQL NULL and hashed as null.
 */
function jsonOrUndefined(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  const plain = JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue | null;
  return plain === null ? undefined : plain;
}
