import { operations } from "@/lib/rest/operations";
import { cancelChangeSet } from "@/lib/change-sets/cancel-change-set";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.cancelChangeSet, async (ctx, { params }) => ({
  body: await cancelChangeSet(ctx, { changeSetId: params.id }),
  status: 202,
}));
