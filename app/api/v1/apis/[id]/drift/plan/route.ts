import { operations } from "@/lib/api/operations";
import { createPlan } from "@/lib/deployments/create-plan";
import { apiHandler } from "@/lib/http/api-handler";

export const POST = apiHandler(operations.createRestorePlan, async (ctx, { params }) => {
  const plan = await createPlan(ctx, { apiId: params.id, purpose: "drift" });
  return { body: plan, status: 201, location: `/api/v1/plans/${plan.id}` };
});
