import { operations } from "@/lib/rest/operations";
import { getChangeSet } from "@/lib/change-sets/get-change-set";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getChangeSet, (ctx, { params }) =>
  getChangeSet(ctx, { changeSetId: params.id }),
);
