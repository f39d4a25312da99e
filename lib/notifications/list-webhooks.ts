import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { webhookViewFor, webhookViewSelect, type WebhookView } from "./schemas";

/** Every registered webhook, oldest first (a handful per deployment: no paging). */
export async function listWebhooks(ctx: RequestContext): Promise<{ items: WebhookView[] }> {
  await authorize(ctx, "config.read");
  const rows = await getDb().webhook.findMany({
    select: webhookViewSelect,
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  return { items: rows.map((row) => webhookViewFor(ctx, row)) };
}
