import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { createTemplate } from "@/lib/templates/create-template";
import { listTemplates } from "@/lib/templates/list-templates";

export const GET = apiHandler(operations.listTemplates, (ctx) => listTemplates(ctx));

export const POST = apiHandler(operations.createTemplate, async (ctx, { body }) => {
  const template = await createTemplate(ctx, body);
  return { body: template, status: 201, location: `/api/v1/templates/${template.id}` };
});
