import { operations } from "@/lib/rest/operations";
import { approveSettingsChange } from "@/lib/instances/approve-settings-change";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.approveSettingsChange, (ctx, { params, body }) =>
  approveSettingsChange(ctx, { ...body, changeId: params.id }),
);
