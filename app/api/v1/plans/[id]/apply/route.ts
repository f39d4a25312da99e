import { after } from "next/server";
import { operations } from "@/lib/rest/operations";
import { startDeployment } from "@/lib/deployments/start-deployment";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.applyPlan, async (ctx, { params }) => {
  const { deployment, run } = await startDeployment(ctx, { planId: params.id });
  // The steps run after the 202 is sent; the client polls the deployment.
  after(run);
  return { body: deployment, status: 202, location: `/api/v1/deployments/${deployment.id}` };
});
