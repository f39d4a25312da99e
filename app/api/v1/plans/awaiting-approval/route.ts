import { operations } from "@/lib/rest/operations";
import { listPlansAwaitingApproval } from "@/lib/deployments/list-plans-awaiting-approval";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listPlansAwaitingApproval, async (ctx) => ({
  items: await listPlansAwaitingApproval(ctx),
}));
