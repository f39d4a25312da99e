import { getClientApplicationAccess } from "@/lib/access/get-client-application-access";
import { apiHandler } from "@/lib/rest/api-handler";
import { operations } from "@/lib/rest/operations";

export const GET = apiHandler(operations.getClientApplicationAccess, (ctx, { params, query }) =>
  getClientApplicationAccess(ctx, { appId: params.appId, ...query }),
);
