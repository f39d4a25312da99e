import { operations } from "@/lib/api/operations";
import { apiHandler } from "@/lib/http/api-handler";
import { syncInstance } from "@/lib/instances/sync-instance";

export const POST = apiHandler(operations.syncInstance, (ctx, { params }) => syncInstance(ctx, { instanceId: params.id }));
