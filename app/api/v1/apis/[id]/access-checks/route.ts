import { operations } from "@/lib/rest/operations";
import { checkAccess } from "@/lib/access/check-access";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.checkAccess, (ctx, { params, body }) =>
  checkAccess(ctx, { apiId: params.id, ...body }),
);
