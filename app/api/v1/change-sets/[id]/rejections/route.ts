import { operations } from "@/lib/rest/operations";
import { rejectChangeSet } from "@/lib/change-sets/reject-change-set";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.rejectChangeSet, (ctx, { params, body }) =>
  rejectChangeSet(ctx, { ...body, changeSetId: params.id }),
);
