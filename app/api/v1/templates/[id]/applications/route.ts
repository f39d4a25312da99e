import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { applyTemplate } from "@/lib/templates/apply-template";

export const POST = apiHandler(operations.applyTemplate, async (ctx, { params, body }) => {
  const changeSet = await applyTemplate(ctx, { templateId: params.id, apply: body });
  return { body: changeSet, status: 201, location: `/api/v1/change-sets/${changeSet.id}` };
});
