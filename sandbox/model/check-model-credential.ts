import { decodeJwt, jwtVerify, type JWTVerifyGetKey } from "jose";
import type { SeenCredential } from "./model-call-log";
import type { ModelKeys } from "./model-keys";
import { mayInvoke, type ModelRoleAssignment } from "./model-roles";

/** The audience of Azure AI data-plane tokens (with or without the trailing slash). */
export const COGNITIVE_SERVICES_AUDIENCE = "https://cognitiveservices.azure.com";

export interface CredentialSources {
  keys: ModelKeys;
  /** The home tenant's signing keys and its v1/v2 issuers. */
  signingKeys: JWTVerifyGetKey;
  issuers: string[];
  roleAssignments(): readonly ModelRoleAssignment[];
  /** Display names of the named values whose current value is `value` (sandbox introspection). */
  namedValuesHolding(value: string): string[];
}

export type CredentialCheck =
  | { ok: true; credential: SeenCredential }
  | { ok: false; credential: SeenCredential; status: number; code: string; message: string };

/**
 * Azure OpenAI's answers to a missing or refused credential (the messages are the ones the
 * service is widely seen to return; 401 for all three).
 */
const REFUSALS = {
  missingKey: {
    code: "401",
    message:
      "Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.",
  },
  invalidKey: {
    code: "401",
    message:
      "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
  },
  invalidToken: {
    code: "401",
    message:
      "Unauthorized. Access token is missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired.",
  },
  noRole: { code: "PermissionDenied", message: "Principal does not have access to API/Operation." },
} as const;

function refuse(credential: SeenCredential, refusal: (typeof REFUSALS)[keyof typeof REFUSALS]): CredentialCheck {
  return { ok: false, credential, status: 401, ...refusal };
}

/**
 * Checks a call's credential as an Azure AI account does: an `api-key` header must be the
 * account's key; otherwise a bearer token must be a valid Entra token for Cognitive Services
 * whose principal holds an inference role on the account.
 */
export async function checkModelCredential(
  sources: CredentialSources,
  account: { name: string; resourceId: string },
  headers: { apiKey: string | undefined; authorization: string | undefined },
): Promise<CredentialCheck> {
  if (headers.apiKey !== undefined) {
    const credential: SeenCredential = { kind: "apiKey", namedValues: sources.namedValuesHolding(headers.apiKey) };
    return sources.keys.accepts(account.name, headers.apiKey)
      ? { ok: true, credential }
      : refuse(credential, REFUSALS.invalidKey);
  }
  const token = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
  if (token === undefined) return refuse({ kind: "none" }, REFUSALS.missingKey);
  const credential = describeToken(token);
  try {
    const { payload } = await jwtVerify(token, sources.signingKeys, {
      algorithms: ["RS256"],
      issuer: sources.issuers,
      audience: [COGNITIVE_SERVICES_AUDIENCE, `${COGNITIVE_SERVICES_AUDIENCE}/`],
    });
    if (typeof payload.oid !== "string") return refuse(credential, REFUSALS.invalidToken);
    return mayInvoke(sources.roleAssignments(), payload.oid, account.resourceId)
      ? { ok: true, credential }
      : refuse(credential, REFUSALS.noRole);
  } catch {
    return refuse(credential, REFUSALS.invalidToken);
  }
}

/** Whose token it claims to be (read before verification: only for the record). */
function describeToken(token: string): SeenCredential {
  try {
    const claims = decodeJwt(token);
    const text = (value: unknown) => (typeof value === "string" ? value : null);
    const audience = Array.isArray(claims.aud) ? (claims.aud[0] ?? null) : text(claims.aud);
    return { kind: "bearer", objectId: text(claims.oid), appId: text(claims.appid ?? claims.azp), audience };
  } catch {
    return { kind: "bearer", objectId: null, appId: null, audience: null };
  }
}
