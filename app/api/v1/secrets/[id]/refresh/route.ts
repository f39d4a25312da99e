import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { refreshKeyVaultSecret } from "@/lib/secrets/refresh-key-vault-secret";

export const POST = apiHandler(operations.refreshSecret, (ctx, { params }) =>
  refreshKeyVaultSecret(ctx, { secretId: params.id }),
);
