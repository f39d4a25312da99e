import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { deleteWebhook } from "@/lib/notifications/delete-webhook";
import { getWebhook } from "@/lib/notifications/get-webhook";
import { updateWebhook } from "@/lib/notifications/update-webhook";

export const GET = apiHandler(operations.getWebhook, (ctx, { params }) => getWebhook(ctx, { webhookId: params.id }));

export const PATCH = apiHandler(operations.updateWebhook, (ctx, { params, body }) =>
  updateWebhook(ctx, { webhookId: params.id, update: body }),
);

export const DELETE = apiHandler(operations.deleteWebhook, (ctx, { params }) =>
  deleteWebhook(ctx, { webhookId: params.id }),
);
