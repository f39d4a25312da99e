import { operations } from "@/lib/rest/operations";
import { getEffectiveAccess } from "@/lib/access/get-effective-access";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getEffectiveAccess, (ctx, { params }) =>
  getEffectiveAccess(ctx, { apiId: params.id }),
);
