import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { regenerateWebhookSecret } from "@/lib/notifications/regenerate-webhook-secret";

export const POST = apiHandler(operations.regenerateWebhookSecret, (ctx, { params }) =>
  regenerateWebhookSecret(ctx, { webhookId: params.id }),
);
