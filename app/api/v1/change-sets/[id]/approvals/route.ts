import { operations } from "@/lib/rest/operations";
import { approveChangeSet } from "@/lib/change-sets/approve-change-set";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.approveChangeSet, (ctx, { params, body }) =>
  approveChangeSet(ctx, { ...body, changeSetId: params.id }),
);
