import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { listWebhookDeliveries } from "@/lib/notifications/list-webhook-deliveries";

export const GET = apiHandler(operations.listWebhookDeliveries, (ctx, { params, query }) =>
  listWebhookDeliveries(ctx, { webhookId: params.id, query }),
);
