import { operations } from "@/lib/api/operations";
import { apiHandler } from "@/lib/http/api-handler";
import { rotateSecret } from "@/lib/secrets/rotate-secret";

export const POST = apiHandler(operations.rotateSecret, (ctx, { params, body }) => rotateSecret(ctx, { secretId: params.id, value: body.value }));
