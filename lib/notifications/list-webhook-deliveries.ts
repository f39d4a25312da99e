import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type pageQuerySchema } from "../rest/pagination";
import { findWebhookOrThrow } from "./find-webhook";
import { toDeliveryView, type DeliveryView } from "./schemas";

const cursorShape = z.object({ createdAt: z.string(), id: z.string() });

/** A webhook's delivery log, newest first: each event's status, attempts and last error. */
export async function listWebhookDeliveries(
  ctx: RequestContext,
  input: { webhookId: string; query?: z.output<typeof pageQuerySchema> },
): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const webhook = await findWebhookOrThrow(db, input.webhookId);
  const limit = input.query?.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.query?.cursor, cursorShape);
  const at = after ? new Date(after.createdAt) : undefined;
  const rows = await db.webhookDelivery.findMany({
    where: {
      webhookId: webhook.id,
      ...(after && at ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return toPage(rows, limit, toDeliveryView, (row) => ({ createdAt: row.createdAt.toISOString(), id: row.id }));
}
