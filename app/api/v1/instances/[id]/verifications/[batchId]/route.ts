import { operations } from "@/lib/rest/operations";
import { getVerificationBatch } from "@/lib/verification/get-verification-batch";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getVerificationBatch, (ctx, { params }) =>
  getVerificationBatch(ctx, { instanceId: params.id, batchId: params.batchId }),
);
