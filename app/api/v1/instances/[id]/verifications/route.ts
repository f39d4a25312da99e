import { after } from "next/server";
import { operations } from "@/lib/rest/operations";
import { startInstanceVerification } from "@/lib/verification/verify-instance-access";
import { apiHandler } from "@/lib/rest/api-handler";

export const POST = apiHandler(operations.verifyInstanceAccess, async (ctx, { params, body }) => {
  const { batch, run } = await startInstanceVerification(ctx, { instanceId: params.id, ...body });
  after(run);
  return { body: batch, status: 202, location: `/api/v1/instances/${params.id}/verifications/${batch.id}` };
});
