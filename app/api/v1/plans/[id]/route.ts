import { operations } from "@/lib/rest/operations";
import { getPlan } from "@/lib/deployments/get-plan";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getPlan, (ctx, { params }) => getPlan(ctx, { planId: params.id }));
