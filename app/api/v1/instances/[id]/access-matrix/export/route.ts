import { accessMatrixDownload } from "@/lib/access/access-matrix-csv";
import { apiHandler } from "@/lib/rest/api-handler";
import { operations } from "@/lib/rest/operations";

export const GET = apiHandler(operations.exportAccessMatrix, (ctx, { params, query }) =>
  accessMatrixDownload(ctx, { instanceId: params.id, ...query }),
);
