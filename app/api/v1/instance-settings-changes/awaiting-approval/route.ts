import { listAwaitingApproval } from "@/lib/approvals/list-awaiting-approval";
import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listSettingsChangesAwaitingApproval, async (ctx) => ({
  items: (await listAwaitingApproval(ctx, ["settingsChanges"])).settingsChanges,
}));
