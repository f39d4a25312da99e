import { operations } from "@/lib/rest/operations";
import { listDeployments } from "@/lib/deployments/list-deployments";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listDeployments, (ctx, { params, query }) =>
  listDeployments(ctx, { apiId: params.id, ...query }),
);
