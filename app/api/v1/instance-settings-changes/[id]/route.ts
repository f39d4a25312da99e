import { operations } from "@/lib/rest/operations";
import { getSettingsChange } from "@/lib/instances/get-settings-change";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getSettingsChange, (ctx, { params }) =>
  getSettingsChange(ctx, { changeId: params.id }),
);
