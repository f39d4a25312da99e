import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getRotation } from "@/lib/rotation/get-rotation";

export const GET = apiHandler(operations.getSecretRotation, (ctx, { params }) =>
  getRotation(ctx, { secretId: params.id, rotationId: params.rid }),
);
