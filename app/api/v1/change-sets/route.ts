import { operations } from "@/lib/rest/operations";
import { createChangeSet } from "@/lib/change-sets/create-change-set";
import { createProfilesChangeSet } from "@/lib/change-sets/create-profiles-change-set";
import { listChangeSets } from "@/lib/change-sets/list-change-sets";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.createChangeSet, async (ctx, { body }) => {
  // Either each API's own profile (and/or its environment's variables), or one change to each API's current profile.
  const changeSet =
    body.profiles || body.variables ? await createProfilesChangeSet(ctx, body) : await createChangeSet(ctx, body);
  return { body: changeSet, status: 201, location: `/api/v1/change-sets/${changeSet.id}` };
});

export const GET = apiHandler(operations.listChangeSets, async (ctx, { query }) => listChangeSets(ctx, query));
