import { operations } from "@/lib/rest/operations";
import { approvePlan } from "@/lib/deployments/approve-plan";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.approvePlan, (ctx, { params }) => approvePlan(ctx, { planId: params.id }));
