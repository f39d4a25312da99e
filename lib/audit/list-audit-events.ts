import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { rawRowsOf } from "../db/raw-rows";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { chainWaitingEvents } from "./chain-sequencer";
import { auditFilterSql, type FilterSql } from "./audit-filter-sql";
import { EVENT_COLUMNS, publicEventOf } from "./event-rows";
import type { AuditFilter } from "./schemas";
import type { PublicAuditEvent } from "./stored-event";

const cursorShape = z.object({ seq: z.string().regex(/^\d+$/) });

/** Audit events, newest first, filtered by actor, action, target and time range. */
export async function listAuditEvents(
  ctx: RequestContext,
  filter: AuditFilter,
): Promise<{ items: PublicAuditEvent[]; nextCursor: string | null }> {
  await authorize(ctx, "audit.read");
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(filter.cursor, cursorShape);
  // Events committed by an instance that stopped before chaining them show up now.
  await chainWaitingEvents(getDb());
  const where = await auditFilterSql(getDb(), filter, 2);
  // Keyset: a page starts below the last sequence number shown, so page 500 costs what page 1 does.
  const rows = await rawRowsOf(getDb())(pageSql(where, limit + 1), [
    after?.seq ?? "9223372036854775807",
    ...where.params,
  ]);
  return toPage(rows, limit, publicEventOf, (row) => ({ seq: row[0]! }));
}

/**
 * The page query ($1: below this sequence number). With an actor filter, each matching actor's
 * newest events come from the (actor_oid, actor_name, seq) index, `take` of them at most, and the
 * newest `take` of those are the page: its cost is bounded by the number of matching actors,
 * however old or few their events (filtering a walk of the whole history instead cost seconds
 * for an actor with a few old events, or none).
 */
export function pageSql(where: FilterSql, take: number): string {
  if (!where.actors)
    return `SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.seq < $1::bigint AND ${where.sql} ORDER BY e.seq DESC LIMIT ${take}`;
  const { oids, names, otherSql } = where.actors;
  return `SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.seq IN (
      SELECT newest.seq FROM unnest(${oids}, ${names}) AS a(oid, name) CROSS JOIN LATERAL (
        SELECT e.seq FROM audit_events e
         WHERE e.actor_oid = a.oid AND e.actor_name = a.name AND e.seq < $1::bigint AND ${otherSql}
         ORDER BY e.seq DESC LIMIT ${take}) AS newest
      ORDER BY newest.seq DESC LIMIT ${take})
    ORDER BY e.seq DESC`;
}
