import { getAccessMatrix } from "@/lib/access/get-access-matrix";
import { apiHandler } from "@/lib/rest/api-handler";
import { operations } from "@/lib/rest/operations";

export const GET = apiHandler(operations.getAccessMatrix, (ctx, { params, query }) =>
  getAccessMatrix(ctx, { instanceId: params.id, ...query }),
);
