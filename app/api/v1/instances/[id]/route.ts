import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getInstance } from "@/lib/instances/get-instance";
import { updateInstanceSettings } from "@/lib/instances/update-instance-settings";

export const GET = apiHandler(operations.getInstance, (ctx, { params }) => getInstance(ctx, { instanceId: params.id }));

/** 200 with the changed instance; 202 with the instance as it still is when the change waits for approval. */
export const PATCH = apiHandler(operations.updateInstance, async (ctx, { params, body }) => {
  const { instance, pendingChange } = await updateInstanceSettings(ctx, { instanceId: params.id, settings: body });
  if (!pendingChange) return instance;
  return { body: instance, status: 202, location: `/api/v1/instance-settings-changes/${pendingChange.id}` };
});
