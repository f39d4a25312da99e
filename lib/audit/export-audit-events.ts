import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { recordAuditEvent } from "./append-audit-event";
import { auditWhere } from "./list-audit-events";
import type { AuditFilter } from "./schemas";
import { toPublicEvent, type PublicAuditEvent } from "./stored-event";

const BATCH = 500;

/**
 * The audit history as a stream of events in chain order (oldest first), for download. Each
 * event carries its hashes, so a reviewer can re-verify the export offline. The export
 * itself is audited.
 */
export async function exportAuditEvents(
  ctx: RequestContext,
  filter: Omit<AuditFilter, "cursor" | "limit">,
  format: "ndjson" | "csv",
): Promise<ReadableStream<Uint8Array>> {
  await authorize(ctx, "audit.read");
  const db = getDb();
  await recordAuditEvent(db, {
    actor: ctx.actor,
    action: "audit.export",
    target: { type: "audit", id: "history" },
    after: { filter, format },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  const where = auditWhere(filter);
  const encoder = new TextEncoder();
  let lastSeq = 0n;
  let headerSent = format !== "csv";
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        controller.enqueue(encoder.encode(`${CSV_COLUMNS.join(",")}\n`));
        headerSent = true;
      }
      const rows = await db.auditEvent.findMany({
        where: { AND: [where, { seq: { gt: lastSeq } }] },
        orderBy: { seq: "asc" },
        take: BATCH,
      });
      for (const row of rows) {
        const event = toPublicEvent(row);
        controller.enqueue(encoder.encode(format === "csv" ? toCsvLine(event) : `${JSON.stringify(event)}\n`));
        lastSeq = row.seq;
      }
      if (rows.length < BATCH) controller.close();
    },
  });
}

const CSV_COLUMNS = [
  "seq",
  "id",
  "time",
  "actor_type",
  "actor_oid",
  "actor_tid",
  "actor_name",
  "action",
  "target_type",
  "target_id",
  "outcome",
  "request_id",
  "arm_correlation_id",
  "client_ip",
  "before",
  "after",
  "prev_hash",
  "hash",
];

function toCsvLine(e: PublicAuditEvent): string {
  const values = [
    e.seq,
    e.id,
    e.time,
    e.actor.type,
    e.actor.oid,
    e.actor.tid,
    e.actor.name,
    e.action,
    e.target.type,
    e.target.id,
    e.outcome,
    e.requestId,
    e.armCorrelationId,
    e.clientIp,
    json(e.before),
    json(e.after),
    e.prevHash,
    e.hash,
  ];
  return `${values.map(csvCell).join(",")}\n`;
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** RFC 4180 quoting, plus a leading apostrophe against spreadsheet formula injection. */
function csvCell(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
