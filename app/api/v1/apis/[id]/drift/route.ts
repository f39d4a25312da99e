import { operations } from "@/lib/api/operations";
import { detectDrift } from "@/lib/deployments/detect-drift";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.detectDrift, (ctx, { params }) => detectDrift(ctx, { apiId: params.id }));
