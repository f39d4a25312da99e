import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { auditedWebhook } from "./find-webhook";
import { toWebhookView, webhookInputSchema, webhookViewSelect, type WebhookView } from "./schemas";
import { checkWebhookUrl } from "./webhook-url";
import { newSecretSalt, webhookSecret } from "./webhook-secret";

/**
 * Registers a webhook and answers its signing secret, this once: only the salt it is derived
 * from is stored (docs/decisions/0007). The URL must be https and resolve to public addresses.
 */
export async function registerWebhook(ctx: RequestContext, input: unknown): Promise<WebhookView & { secret: string }> {
  await authorize(ctx, "config.write");
  const data = parseInput(webhookInputSchema, input, "webhook");
  await checkWebhookUrl(data.url, "url");
  const db = getDb();
  if (data.instanceId !== null && !(await db.instance.findUnique({ where: { id: data.instanceId } })))
    throw new AppError("bad_request", `The webhook is not valid: instanceId ${data.instanceId} is no instance.`, {
      fields: [{ path: "instanceId", message: "is not a registered instance" }],
    });
  const secretSalt = newSecretSalt();
  // Derived before anything is stored: without FINGERPRINT_KEY nothing is registered.
  const secret = webhookSecret(secretSalt);
  const created = await auditedTransaction(db, async (tx) => {
    const row = await tx.webhook.create({
      data: { ...data, secretSalt, createdBy: ctx.actor.name },
      select: webhookViewSelect,
    });
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "webhook.register",
      target: { type: "webhook", id: row.id },
      after: auditedWebhook(row),
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return row;
  });
  return { ...toWebhookView(created), secret };
}
