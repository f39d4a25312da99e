import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { listProfileVersions } from "@/lib/profiles/list-profile-versions";

export const GET = apiHandler(operations.listAccessProfileVersions, (ctx, { params, query }) =>
  listProfileVersions(ctx, { apiId: params.id, ...query }),
);
