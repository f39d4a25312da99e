import { operations } from "@/lib/rest/operations";
import { rejectPlan } from "@/lib/deployments/reject-plan";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.rejectPlan, (ctx, { params, body }) =>
  rejectPlan(ctx, { ...body, planId: params.id }),
);
