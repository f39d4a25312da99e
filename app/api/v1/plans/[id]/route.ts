import { operations } from "@/lib/api/operations";
import { getPlan } from "@/lib/deployments/get-plan";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.getPlan, (ctx, { params }) => getPlan(ctx, { planId: params.id }));
