import { operations } from "@/lib/rest/operations";
import { listChangeSetsAwaitingApproval } from "@/lib/change-sets/list-change-sets-awaiting-approval";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listChangeSetsAwaitingApproval, async (ctx) => ({
  items: await listChangeSetsAwaitingApproval(ctx),
}));
