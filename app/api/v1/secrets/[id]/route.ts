import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { getSecret } from "@/lib/secrets/get-secret";

export const GET = apiHandler(operations.getSecret, (ctx, { params }) => getSecret(ctx, { secretId: params.id }));
