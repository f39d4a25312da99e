import { after } from "next/server";
import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { applyRotation } from "@/lib/rotation/apply-rotation";

export const POST = apiHandler(operations.applySecretRotation, async (ctx, { params }) => {
  const { rotation, run } = await applyRotation(ctx, { secretId: params.id, rotationId: params.rid });
  // The deployments and verifications run after the 202 is sent; the client polls the rotation.
  after(run);
  return { body: rotation, status: 202, location: `/api/v1/secrets/${params.id}/rotations/${rotation.id}` };
});
