import { operations } from "@/lib/rest/operations";
import { createPlan } from "@/lib/deployments/create-plan";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.createRestorePlan, async (ctx, { params }) => {
  const plan = await createPlan(ctx, { apiId: params.id, purpose: "drift" });
  return { body: plan, status: 201, location: `/api/v1/plans/${plan.id}` };
});
