import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getInstance } from "@/lib/instances/get-instance";
import { updateInstanceSettings } from "@/lib/instances/update-instance-settings";

export const GET = apiHandler(operations.getInstance, (ctx, { params }) => getInstance(ctx, { instanceId: params.id }));

export const PATCH = apiHandler(operations.updateInstance, (ctx, { params, body }) =>
  updateInstanceSettings(ctx, { instanceId: params.id, settings: body }),
);
