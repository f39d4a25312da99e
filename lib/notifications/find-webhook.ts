import { isUuid } from "../apis/find-api";
import type { Prisma } from "../db";
import { AppError } from "../errors";
import { webhookViewSelect } from "./schemas";

export async function findWebhookOrThrow(tx: Prisma.TransactionClient, webhookId: string) {
  const webhook = isUuid(webhookId)
    ? await tx.webhook.findUnique({ where: { id: webhookId }, select: { ...webhookViewSelect, secretSalt: true } })
    : null;
  if (!webhook) throw new AppError("not_found", `There is no webhook with id ${webhookId}.`);
  return webhook;
}

/**
 * What an audit event keeps of a webhook: its URL's origin only (a Teams or Slack incoming-webhook
 * URL is itself a credential: whoever knows its path can post), never the secret.
 */
export function auditedWebhook(webhook: {
  instanceId: string | null;
  url: string;
  events: string[];
  format: string;
  enabled: boolean;
}) {
  return {
    instanceId: webhook.instanceId,
    urlOrigin: new URL(webhook.url).origin,
    events: webhook.events,
    format: webhook.format,
    enabled: webhook.enabled,
  };
}
