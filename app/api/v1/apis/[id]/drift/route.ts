import { operations } from "@/lib/rest/operations";
import { detectDrift } from "@/lib/deployments/detect-drift";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.detectDrift, (ctx, { params }) => detectDrift(ctx, { apiId: params.id }));
