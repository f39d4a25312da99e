import { operations } from "@/lib/rest/operations";
import { apiHandler } from "@/lib/rest/api-handler";
import { createKeyVaultSecret } from "@/lib/secrets/create-key-vault-secret";
import { createSecret } from "@/lib/secrets/create-secret";
import { listSecrets } from "@/lib/secrets/list-secrets";

export const GET = apiHandler(operations.listSecrets, (ctx, { params, query }) =>
  listSecrets(ctx, { instanceId: params.id, ...query }),
);

export const POST = apiHandler(operations.createSecret, (ctx, { params, body }) =>
  "keyVault" in body
    ? createKeyVaultSecret(ctx, { instanceId: params.id, name: body.name, ...body.keyVault })
    : createSecret(ctx, { instanceId: params.id, ...body }),
);
