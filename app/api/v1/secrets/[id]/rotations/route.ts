import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { listRotations } from "@/lib/rotation/list-rotations";
import { startRotation } from "@/lib/rotation/start-rotation";

export const GET = apiHandler(operations.listSecretRotations, (ctx, { params, query }) =>
  listRotations(ctx, { secretId: params.id, cursor: query.cursor, limit: query.limit }),
);

export const POST = apiHandler(operations.startSecretRotation, async (ctx, { params, body }) => {
  const rotation = await startRotation(ctx, { secretId: params.id, ...body });
  return { body: rotation, status: 201, location: `/api/v1/secrets/${params.id}/rotations/${rotation.id}` };
});
