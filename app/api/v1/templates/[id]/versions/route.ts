import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { publishTemplateVersion } from "@/lib/templates/publish-template-version";

export const POST = apiHandler(operations.publishTemplateVersion, (ctx, { params, body, ifMatch }) =>
  publishTemplateVersion(ctx, { templateId: params.id, ifMatch, version: body }),
);
