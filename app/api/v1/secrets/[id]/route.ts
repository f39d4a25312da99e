import { operations } from "@/lib/api/operations";
import { apiHandler } from "@/lib/http/api-handler";
import { getSecret } from "@/lib/secrets/get-secret";

export const GET = apiHandler(operations.getSecret, (ctx, { params }) => getSecret(ctx, { secretId: params.id }));
