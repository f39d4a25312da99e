import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { parseInput } from "../validation";
import { auditedWebhook, findWebhookOrThrow } from "./find-webhook";
import { toWebhookView, webhookUpdateSchema, webhookViewSelect, type WebhookView } from "./schemas";
import { checkWebhookUrl } from "./webhook-url";

/** Changes a webhook's URL, events, format or whether it is enabled; its secret stays the same. */
export async function updateWebhook(
  ctx: RequestContext,
  input: { webhookId: string; update: unknown },
): Promise<WebhookView> {
  await authorize(ctx, "config.write");
  const update = parseInput(webhookUpdateSchema, input.update, "webhook");
  if (update.url !== undefined) await checkWebhookUrl(update.url, "url");
  const db = getDb();
  const before = await findWebhookOrThrow(db, input.webhookId);
  const after = await auditedTransaction(db, async (tx) => {
    const row = await tx.webhook.update({ where: { id: before.id }, data: update, select: webhookViewSelect });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "webhook.update",
      target: { type: "webhook", id: row.id },
      before: auditedWebhook(before),
      after: auditedWebhook(row),
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return row;
  });
  return toWebhookView(after);
}
