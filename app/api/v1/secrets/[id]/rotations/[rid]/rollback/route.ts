import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { rollBackRotation } from "@/lib/rotation/roll-back-rotation";

export const POST = apiHandler(operations.rollBackSecretRotation, (ctx, { params }) =>
  rollBackRotation(ctx, { secretId: params.id, rotationId: params.rid }),
);
