import { operations } from "@/lib/rest/operations";
import { listSettingsChangesAwaitingApproval } from "@/lib/instances/list-settings-changes-awaiting-approval";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listSettingsChangesAwaitingApproval, async (ctx) => ({
  items: await listSettingsChangesAwaitingApproval(ctx),
}));
