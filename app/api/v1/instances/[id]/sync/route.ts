import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { syncInstance } from "@/lib/instances/sync-instance";

export const POST = apiHandler(operations.syncInstance, (ctx, { params }) =>
  syncInstance(ctx, { instanceId: params.id }),
);
