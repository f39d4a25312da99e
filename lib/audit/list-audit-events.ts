import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { rawRowsOf } from "../db/raw-rows";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { chainWaitingEvents } from "./chain-sequencer";
import { auditFilterSql } from "./audit-filter-sql";
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
  const rows = await rawRowsOf(getDb())(
    `SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.seq < $1::bigint AND ${where.sql} ORDER BY e.seq DESC LIMIT ${limit + 1}`,
    [after?.seq ?? "9223372036854775807", ...where.params],
  );
  return toPage(rows, limit, publicEventOf, (row) => ({ seq: row[0]! }));
}
