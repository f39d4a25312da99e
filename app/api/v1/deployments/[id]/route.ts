import { operations } from "@/lib/rest/operations";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getDeployment, (ctx, { params }) =>
  getDeployment(ctx, { deploymentId: params.id }),
);
