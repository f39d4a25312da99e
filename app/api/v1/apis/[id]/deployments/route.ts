import { operations } from "@/lib/api/operations";
import { listDeployments } from "@/lib/deployments/list-deployments";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.listDeployments, (ctx, { params, query }) => listDeployments(ctx, { apiId: params.id, ...query }));
