import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findWebhookOrThrow } from "./find-webhook";
import { webhookViewFor, type WebhookView } from "./schemas";

export async function getWebhook(ctx: RequestContext, input: { webhookId: string }): Promise<WebhookView> {
  await authorize(ctx, "config.read");
  return webhookViewFor(ctx, await findWebhookOrThrow(getDb(), input.webhookId));
}
