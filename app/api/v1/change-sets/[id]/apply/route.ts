import { after } from "next/server";
import { operations } from "@/lib/rest/operations";
import { startChangeSetApply } from "@/lib/change-sets/start-change-set-apply";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.applyChangeSet, async (ctx, { params }) => {
  const { changeSet, run } = await startChangeSetApply(ctx, { changeSetId: params.id });
  // The APIs are applied after the 202 is sent; the client polls the change set.
  after(() => run());
  return { body: changeSet, status: 202, location: `/api/v1/change-sets/${changeSet.id}` };
});
