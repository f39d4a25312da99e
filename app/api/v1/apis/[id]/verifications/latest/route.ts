import { operations } from "@/lib/rest/operations";
import { getLatestVerification } from "@/lib/verification/list-verifications";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getLatestVerification, (ctx, { params }) =>
  getLatestVerification(ctx, { apiId: params.id }),
);
