import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { applyTemplate } from "@/lib/templates/apply-template";

export const POST = apiHandler(operations.applyTemplate, async (ctx, { params, body }) => {
  const application = await applyTemplate(ctx, { templateId: params.id, apply: body });
  // The first set made; every one is in the body.
  return { body: application, status: 201, location: `/api/v1/change-sets/${application.changeSets[0]!.id}` };
});
