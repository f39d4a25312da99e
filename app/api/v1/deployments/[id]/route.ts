import { operations } from "@/lib/api/operations";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.getDeployment, (ctx, { params }) => getDeployment(ctx, { deploymentId: params.id }));
