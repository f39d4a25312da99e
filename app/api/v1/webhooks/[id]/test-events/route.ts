import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { sendTestEvent } from "@/lib/notifications/send-test-event";

export const POST = apiHandler(operations.sendWebhookTestEvent, (ctx, { params }) =>
  sendTestEvent(ctx, { webhookId: params.id }),
);
