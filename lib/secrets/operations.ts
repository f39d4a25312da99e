import { z } from "zod";
import { defineOperation } from "../rest/operation";
import { pageQuerySchema } from "../rest/pagination";
import { createSecretBodySchema, secretPageSchema, secretSchema } from "./schemas";

const instanceParams = z.object({ id: z.guid("must be an instance id") });
const secretParams = z.object({ id: z.guid("must be a secret id") });

/** REST operations of secrets (see lib/rest/operations.ts). No response can carry a value. */
export const secretsOperations = {
  listSecrets: defineOperation({
    id: "listSecrets",
    method: "GET",
    path: "/instances/{id}/secrets",
    permission: "config.read",
    summary: "The instance's secret named values, by name",
    description:
      "Secrets created through Portcullis, and APIM's other secret named values as `external`. Values are never returned.",
    tags: ["secrets"],
    params: instanceParams,
    query: pageQuerySchema,
    response: secretPageSchema,
  }),
  createSecret: defineOperation({
    id: "createSecret",
    method: "POST",
    path: "/instances/{id}/secrets",
    permission: "config.write",
    summary: "Create a secret named value: a typed value or a Key Vault reference",
    description:
      "A typed `value` goes to APIM and nowhere else; Portcullis keeps its HMAC fingerprint. A `keyVault` reference (recommended) leaves the secret in Key Vault. 409 when APIM already has a named value of that name.",
    tags: ["secrets"],
    params: instanceParams,
    body: createSecretBodySchema,
    response: secretSchema,
    successStatus: 201,
  }),
  getSecret: defineOperation({
    id: "getSecret",
    method: "GET",
    path: "/secrets/{id}",
    permission: "config.read",
    summary: "A secret created through Portcullis, as APIM holds it now",
    tags: ["secrets"],
    params: secretParams,
    response: secretSchema,
  }),
  refreshSecret: defineOperation({
    id: "refreshSecret",
    method: "POST",
    path: "/secrets/{id}/refresh",
    permission: "config.write",
    summary: "Make APIM fetch a Key Vault secret again now",
    description: "Answers the secret with APIM's new `keyVault.lastStatus`: Success, or the Key Vault error APIM met.",
    tags: ["secrets"],
    params: secretParams,
    response: secretSchema,
  }),
};
