import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { promoteAccessProfile } from "@/lib/environments/promote-access-profile";

export const POST = apiHandler(operations.promoteAccessProfile, async (ctx, { params, body }) => {
  const promotion = await promoteAccessProfile(ctx, { apiId: params.id, ...body });
  return { body: promotion, status: 201, location: `/api/v1/plans/${promotion.plan.id}` };
});
