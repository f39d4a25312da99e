import { authorize } from "../auth/authorize";
import { csvLine } from "../csv-line";
import type { RequestContext } from "../auth/request-context";
import { getDb, type PrismaClient } from "../db";
import { recordAuditEvent } from "./append-audit-event";
import { auditFilterSql } from "./audit-filter-sql";
import { eventBatches, publicEventOf, ROW_BATCH, type EventRange } from "./event-rows";
import { exportLines } from "./export-lines";
import type { Checkpoint } from "./checkpoint";
import type { AuditFilter } from "./schemas";
import { signCheckpoint, toCheckpoint } from "./sign-checkpoint";
import type { PublicAuditEvent } from "./stored-event";

/**
 * The audit history as a stream of events in chain order (oldest first), for download. The
 * export itself is audited, then the head is signed (a checkpoint, so every export carries a
 * signature over its own end) and the export stops there. NDJSON starts with a header line and
 * the signed checkpoints (`{"checkpoint": …}`), then one event per line carrying its hashes, so a
 * reviewer can verify it offline (`portcullis audit verify`).
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
  const signed = await signCheckpoint(db);
  const end = BigInt(signed!.seq);
  const where = await auditFilterSql(db, filter, 3);
  const encoder = new TextEncoder();
  let batches: AsyncGenerator<string[], void, undefined> | undefined;
  return new ReadableStream<Uint8Array>({
    // Called only when the reader wants more (backpressure): one batch per call, the next one
    // already requested from the database (export-lines.ts).
    async pull(controller) {
      if (!batches) {
        controller.enqueue(
          encoder.encode(format === "csv" ? `${CSV_COLUMNS.join(",")}\n` : await ndjsonHeader(filter, signed!)),
        );
        batches = (format === "csv" ? csvChunks : exportLines)(db, { after: 0n, upTo: end, where });
        return;
      }
      // Every call enqueues or closes: a call that did neither would never be followed by another.
      for (;;) {
        const next = await batches.next();
        if (next.done) {
          controller.close();
          return;
        }
        const chunks = next.value.filter((chunk) => chunk.length > 0);
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        if (chunks.length > 0) return;
      }
    },
    async cancel() {
      await batches?.return();
    },
  });
}

/** CSV is written here, a string per batch of rows (NDJSON comes written by the database: export-lines.ts). */
async function* csvChunks(
  db: PrismaClient,
  range: EventRange & { upTo: bigint },
): AsyncGenerator<string[], void, undefined> {
  for await (const rows of eventBatches(db, range, ROW_BATCH)) {
    let chunk = "";
    for (const row of rows) chunk += toCsvLine(publicEventOf(row));
    yield [chunk];
  }
}

/** The header line and every checkpoint up to the export's own, oldest first. */
async function ndjsonHeader(filter: object, signed: Checkpoint): Promise<string> {
  const checkpoints = await getDb().auditCheckpoint.findMany({
    where: { seq: { lte: BigInt(signed.seq) } },
    orderBy: [{ seq: "asc" }, { id: "asc" }],
  });
  const header = { portcullisAuditExport: { version: 1, filter, headSeq: signed.seq, exportedAt: signed.time } };
  return [header, ...checkpoints.map((c) => ({ checkpoint: toCheckpoint(c) }))]
    .map((line) => `${JSON.stringify(line)}\n`)
    .join("");
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
  return csvLine(values);
}

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
