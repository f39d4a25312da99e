import { operations } from "@/lib/rest/operations";
import { listVerifications } from "@/lib/verification/list-verifications";
import { verifyApiAccess } from "@/lib/verification/verify-api-access";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.verifyApiAccess, async (ctx, { params, body }) => {
  const verification = await verifyApiAccess(ctx, { apiId: params.id, ...body });
  return { body: verification, status: 201, location: `/api/v1/apis/${params.id}/verifications/latest` };
});

export const GET = apiHandler(operations.listVerifications, (ctx, { params, query }) =>
  listVerifications(ctx, { apiId: params.id, ...query }),
);
