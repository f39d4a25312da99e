import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { auditedWebhook, findWebhookOrThrow } from "./find-webhook";
import { toWebhookView, type WebhookView } from "./schemas";

/** Removes a webhook and its delivery log; deliveries not yet sent are dropped with it. */
export async function deleteWebhook(ctx: RequestContext, input: { webhookId: string }): Promise<WebhookView> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const webhook = await findWebhookOrThrow(db, input.webhookId);
  await auditedTransaction(db, async (tx) => {
    await tx.webhook.delete({ where: { id: webhook.id } });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "webhook.delete",
      target: { type: "webhook", id: webhook.id },
      before: auditedWebhook(webhook),
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
  });
  return toWebhookView(webhook);
}
