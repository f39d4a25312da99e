import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { chainWaitingEvents } from "./chain-sequencer";
import type { AuditFilter } from "./schemas";
import { toPublicEvent, type PublicAuditEvent } from "./stored-event";

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
  const rows = await getDb().auditEvent.findMany({
    where: { ...auditWhere(filter), ...(after ? { seq: { lt: BigInt(after.seq) } } : {}) },
    orderBy: { seq: "desc" },
    take: limit + 1,
  });
  return toPage(rows, limit, toPublicEvent, (row) => ({ seq: row.seq.toString() }));
}

export function auditWhere(filter: Omit<AuditFilter, "cursor" | "limit">): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput[] = [];
  if (filter.actor) {
    where.push({ OR: [{ actorOid: filter.actor }, { actorName: { contains: filter.actor, mode: "insensitive" } }] });
  }
  if (filter.action) {
    where.push(
      filter.action.endsWith("*") ? { action: { startsWith: filter.action.slice(0, -1) } } : { action: filter.action },
    );
  }
  if (filter.target) {
    const [type, ...id] = filter.target.split(":");
    where.push(id.length ? { targetType: type, targetId: id.join(":") } : { targetType: type });
  }
  if (filter.from) where.push({ time: { gte: new Date(filter.from) } });
  if (filter.to) where.push({ time: { lt: new Date(filter.to) } });
  return where.length ? { AND: where } : {};
}
