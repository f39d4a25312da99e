import type { z } from "zod";
import { backendAuthSchema, callerAuthSchema } from "@/lib/policy/profile-schema";

/** A schema's `.describe()` text, looking through optional/default wrappers. */
function hintOf(schema: z.ZodType | undefined): string | undefined {
  let current: unknown = schema;
  while (current && typeof current === "object") {
    const { description } = current as { description?: string };
    if (description) return description;
    current =
      "unwrap" in current && typeof current.unwrap === "function"
        ? (current as { unwrap(): unknown }).unwrap()
        : undefined;
  }
  return undefined;
}

type Shape = Record<string, z.ZodType>;
const shapeOf = (option: unknown): Shape => (option as { shape: Shape }).shape;

const [apiKey, managedIdentity] = backendAuthSchema.options;
const [apiKeyByHeader, apiKeyByBackend] = apiKey.options.map(shapeOf);
const [identityByPolicy] = managedIdentity.options.map(shapeOf);
const [, entra, jwt] = callerAuthSchema.options.map(shapeOf);
const claim = shapeOf(
  (callerAuthSchema.options[1].shape.requiredClaims.unwrap() as unknown as { element: unknown }).element,
);

/**
 * Field hints of the access profile editor, taken from the schema's descriptions so the
 * editor, the REST API's OpenAPI document and the server's validation say the same thing.
 * Read on the server (the edit page passes them to the editor as a prop): importing this from
 * a client component would ship zod and the whole profile schema to the browser.
 */
export const PROFILE_HINTS = {
  namedValue: hintOf(apiKeyByHeader!.namedValue),
  headerName: hintOf(apiKeyByHeader!.headerName),
  resource: hintOf(identityByPolicy!.resource),
  clientId: hintOf(identityByPolicy!.clientId),
  deliveryPolicy: hintOf(apiKeyByHeader!.delivery),
  deliveryBackend: hintOf(apiKeyByBackend!.delivery),
  backendId: hintOf(apiKeyByBackend!.backendId),
  backendUrl: hintOf(apiKeyByBackend!.backendUrl),
  tenantId: hintOf(entra!.tenantId),
  clientApplicationIds: hintOf(entra!.clientApplicationIds),
  entraAudiences: hintOf(entra!.audiences),
  openIdConfigUrl: hintOf(jwt!.openIdConfigUrl),
  issuers: hintOf(jwt!.issuers),
  jwtAudiences: hintOf(jwt!.audiences),
  requiredClaims: hintOf(entra!.requiredClaims),
  failedValidation: hintOf(entra!.failedValidation),
  claimName: hintOf(claim.name),
  claimMatch: hintOf(claim.match),
  claimSeparator: hintOf(claim.separator),
  claimValues: hintOf(claim.values),
};

export type ProfileHints = typeof PROFILE_HINTS;
