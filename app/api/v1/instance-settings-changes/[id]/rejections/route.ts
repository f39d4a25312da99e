import { operations } from "@/lib/rest/operations";
import { rejectSettingsChange } from "@/lib/instances/reject-settings-change";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.rejectSettingsChange, (ctx, { params, body }) =>
  rejectSettingsChange(ctx, { ...body, changeId: params.id }),
);
