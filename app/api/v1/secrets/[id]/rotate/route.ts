import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { rotateSecret } from "@/lib/secrets/rotate-secret";

export const POST = apiHandler(operations.rotateSecret, (ctx, { params, body }) =>
  rotateSecret(ctx, { secretId: params.id, value: body.value }),
);
