import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getAccessProfile } from "@/lib/profiles/get-access-profile";
import { saveAccessProfile } from "@/lib/profiles/save-access-profile";

export const GET = apiHandler(operations.getAccessProfile, async (ctx, { params }) => {
  const current = await getAccessProfile(ctx, { apiId: params.id });
  return { body: current, etag: current.etag };
});

export const PUT = apiHandler(operations.putAccessProfile, async (ctx, { params, query, body, ifMatch }) => {
  const saved = await saveAccessProfile(ctx, { apiId: params.id, profile: body, ifMatch, adopt: query.adopt });
  return { body: saved, etag: saved.etag, status: saved.version === 1 ? 201 : 200 };
});
