import { operations } from "@/lib/api/operations";
import { apiHandler } from "@/lib/http/api-handler";
import { getInstance } from "@/lib/instances/get-instance";

export const GET = apiHandler(operations.getInstance, (ctx, { params }) => getInstance(ctx, { instanceId: params.id }));
