import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { profileEtag } from "@/lib/profiles/profile-etag";
import { deleteTemplate } from "@/lib/templates/delete-template";
import { getTemplate } from "@/lib/templates/get-template";
import { updateTemplate } from "@/lib/templates/update-template";

export const GET = apiHandler(operations.getTemplate, async (ctx, { params }) => {
  const template = await getTemplate(ctx, { templateId: params.id });
  return { body: template, etag: profileEtag(template.latestVersion) };
});

export const PATCH = apiHandler(operations.updateTemplate, (ctx, { params, body }) =>
  updateTemplate(ctx, { templateId: params.id, update: body }),
);

export const DELETE = apiHandler(operations.deleteTemplate, (ctx, { params }) =>
  deleteTemplate(ctx, { templateId: params.id }),
);
