import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { updateVerificationSettings } from "@/lib/verification/update-verification-settings";

export const PUT = apiHandler(operations.updateVerificationSettings, (ctx, { params, body }) =>
  updateVerificationSettings(ctx, { instanceId: params.id, ...body }),
);
