import { operations } from "@/lib/rest/operations";
import { createChangeSet } from "@/lib/change-sets/create-change-set";
import { listChangeSets } from "@/lib/change-sets/list-change-sets";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.createChangeSet, async (ctx, { body }) => {
  const changeSet = await createChangeSet(ctx, body);
  return { body: changeSet, status: 201, location: `/api/v1/change-sets/${changeSet.id}` };
});

export const GET = apiHandler(operations.listChangeSets, async (ctx) => ({ items: await listChangeSets(ctx) }));
