import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getInstance } from "@/lib/instances/get-instance";

export const GET = apiHandler(operations.getInstance, (ctx, { params }) => getInstance(ctx, { instanceId: params.id }));
