import { operations } from "@/lib/api/operations";
import { apiHandler } from "@/lib/http/api-handler";
import { listProfileVersions } from "@/lib/profiles/list-profile-versions";

export const GET = apiHandler(operations.listAccessProfileVersions, (ctx, { params, query }) => listProfileVersions(ctx, { apiId: params.id, ...query }));
