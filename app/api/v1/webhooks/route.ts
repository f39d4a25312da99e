import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { listWebhooks } from "@/lib/notifications/list-webhooks";
import { registerWebhook } from "@/lib/notifications/register-webhook";

export const GET = apiHandler(operations.listWebhooks, (ctx) => listWebhooks(ctx));

export const POST = apiHandler(operations.registerWebhook, async (ctx, { body }) => {
  const webhook = await registerWebhook(ctx, body);
  return { body: webhook, status: 201, location: `/api/v1/webhooks/${webhook.id}` };
});
