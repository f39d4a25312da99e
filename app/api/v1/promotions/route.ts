import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { promoteAccessProfiles } from "@/lib/environments/promote-access-profiles";

export const POST = apiHandler(operations.promoteAccessProfiles, async (ctx, { body }) => {
  const changeSet = await promoteAccessProfiles(ctx, body);
  return { body: changeSet, status: 201, location: `/api/v1/change-sets/${changeSet.id}` };
});
