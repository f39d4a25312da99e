import { runAudited } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { auditedWebhook, findWebhookOrThrow } from "./find-webhook";
import { toWebhookView, webhookViewSelect, type WebhookView } from "./schemas";
import { newSecretSalt, webhookSecret } from "./webhook-secret";

/**
 * Replaces a webhook's signing secret (it leaked, or the receiver lost it) and answers the new
 * one, this once: only the new salt is stored (docs/decisions/0007). Every delivery from now on,
 * retries of earlier events included, is signed with the new secret; the old one stops verifying
 * at once, so give the receiver the new one right away. Audited without either secret.
 */
export async function regenerateWebhookSecret(
  ctx: RequestContext,
  input: { webhookId: string },
): Promise<WebhookView & { secret: string }> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const webhook = await findWebhookOrThrow(db, input.webhookId);
  const secretSalt = newSecretSalt();
  // Derived before anything is stored: without FINGERPRINT_KEY the old secret stays.
  const secret = webhookSecret(secretSalt);
  const updated = await runAudited(
    db,
    (tx) => tx.webhook.update({ where: { id: webhook.id }, data: { secretSalt }, select: webhookViewSelect }),
    (row) => ({
      actor: ctx.actor,
      action: "webhook.secret_regenerate",
      target: { type: "webhook", id: row.id },
      after: auditedWebhook(row),
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    }),
  );
  return { ...toWebhookView(updated), secret };
}
