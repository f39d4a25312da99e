import { decodeProtectedHeader, errors } from "jose";
import { z } from "zod";
import { AppError } from "../errors";
import type { EntraConfig } from "./entra-config";
import { createTenantDiscovery, type TenantDiscovery } from "./tenant-discovery";
import { verifyTenantJwt } from "./verify-tenant-jwt";

/** Who called the REST API, as the validated access token says. */
export interface BearerIdentity {
  /** `app` for a service principal (client credentials), `user` for a delegated token. */
  kind: "user" | "app";
  /** Entra object id of the user or service principal: the stable key for the actor. */
  oid: string;
  tid: string;
  /** Display name; for an app without one, its client id. */
  name: string;
  /** The calling application (`azp` in v2.0 tokens, `appid` in v1.0). */
  clientId: string;
  /** App role names from the `roles` claim, as configured in Entra. */
  roles: string[];
}

export interface BearerTokenValidator {
  /**
   * Validates the `Authorization` header's bearer token. Throws AppError("unauthenticated")
   * with a short reason that is safe to show (it never contains the token); its `details`
   * carry `{ error: "invalid_token" }` when a token was present, the RFC 6750 error code for
   * the `WWW-Authenticate` header. Throws AppError("unavailable") when the tenant's keys
   * cannot be loaded, which is no fault of the caller.
   */
  authenticate(authorizationHeader: string | null | undefined): Promise<BearerIdentity>;
}

const claimsSchema = z.object({
  tid: z.string(),
  oid: z.string(),
  sub: z.string().optional(),
  azp: z.string().optional(),
  appid: z.string().optional(),
  idtyp: z.string().optional(),
  ver: z.string().optional(),
  azpacr: z.string().optional(),
  appidacr: z.string().optional(),
  nonce: z.unknown().optional(),
  at_hash: z.unknown().optional(),
  c_hash: z.unknown().optional(),
  scp: z.string().optional(),
  roles: z.array(z.string()).optional(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
  app_displayname: z.string().optional(),
});

function unauthenticated(message: string, tokenPresent = true): AppError {
  return new AppError("unauthenticated", message, { details: tokenPresent ? { error: "invalid_token" } : {} });
}

export function createBearerTokenValidator(
  config: EntraConfig,
  discovery: TenantDiscovery = createTenantDiscovery(config),
): BearerTokenValidator {
  return {
    async authenticate(authorizationHeader) {
      const token = bearerTokenFrom(authorizationHeader);
      let payload: unknown;
      try {
        payload = await verifyTenantJwt(token, config, discovery, config.acceptedAudiences);
      } catch (error) {
        throw rejection(error);
      }

      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) throw unauthenticated("The token's claims are malformed");
      refuseAllButAccessTokens(String(decodeProtectedHeader(token).typ ?? "JWT"), claims.data);
      return identityFrom(claims.data);
    },
  };
}

function bearerTokenFrom(header: string | null | undefined): string {
  if (!header || header.trim() === "") throw unauthenticated("A bearer token is required", false);
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
  if (!match?.[1]) throw unauthenticated("The Authorization header must be 'Bearer <access token>'");
  return match[1];
}

/**
 * Only access tokens call the API, decided by what the token declares itself to be, never by
 * which claims happen to be missing (an ID token of this app has its client id as audience and
 * may carry the user's app roles):
 * - the header's `typ`: `at+jwt` (RFC 9068) is an access token; Entra types every token `JWT`;
 *   anything else (`logout+jwt`, `id_token+jwt`, …) is not one;
 * - ID tokens declare themselves by the sign-in's `nonce` and the `at_hash` / `c_hash` that bind
 *   them to its code and access token: a token with any of these is an ID token;
 * - an Entra (`typ: JWT`) access token declares how its client authenticated, `azpacr` in v2.0
 *   and `appidacr` in v1.0 (Microsoft's access token claims reference); ID tokens never do.
 */
function refuseAllButAccessTokens(typ: string, claims: z.infer<typeof claimsSchema>): void {
  const type = typ.toLowerCase().replace(/^application\//, "");
  if (type !== "jwt" && type !== "at+jwt") throw unauthenticated(`The token is not an access token (typ ${typ})`);
  if (claims.nonce !== undefined || claims.at_hash !== undefined || claims.c_hash !== undefined) {
    throw unauthenticated("The token is an ID token; call the API with an access token");
  }
  if (type === "at+jwt") return;
  const declared = claims.ver === "1.0" ? claims.appidacr : claims.azpacr;
  if (declared === undefined) {
    throw unauthenticated(
      `The token is not an access token: an Entra v${claims.ver === "1.0" ? "1.0" : "2.0"} access token says how its client authenticated (${claims.ver === "1.0" ? "appidacr" : "azpacr"})`,
    );
  }
}

function identityFrom(claims: z.infer<typeof claimsSchema>): BearerIdentity {
  const clientId = claims.azp ?? claims.appid;
  if (!clientId) throw unauthenticated("The token does not name the calling application");
  // `idtyp` is an optional claim in Entra; without it, an app-only token is the one with no
  // delegated scopes whose subject is the service principal itself.
  const kind =
    claims.idtyp === "app" || (claims.idtyp === undefined && claims.scp === undefined && claims.sub === claims.oid)
      ? "app"
      : "user";
  const name =
    kind === "app" ? (claims.app_displayname ?? clientId) : (claims.name ?? claims.preferred_username ?? claims.oid);
  return { kind, oid: claims.oid, tid: claims.tid.toLowerCase(), name, clientId, roles: claims.roles ?? [] };
}

/** A short, safe reason for each way a token can fail; infrastructure trouble is no 401. */
function rejection(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof errors.JWTExpired) return unauthenticated("The token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "nbf") return unauthenticated("The token is not valid yet");
    if (error.claim === "aud") return unauthenticated("The token is not meant for this API");
    if (error.claim === "iss" || error.claim === "tid") {
      return unauthenticated("The token was not issued by the configured tenant");
    }
    if (error.reason === "missing") return unauthenticated(`The token lacks the ${error.claim} claim`);
    return unauthenticated(`The token's ${error.claim} claim is not acceptable`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return unauthenticated("The token must be signed with RS256");
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated("The token was not signed with the configured tenant's keys");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return unauthenticated("The token signature is invalid");
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return unauthenticated("The token is malformed");
  }
  return new AppError("unavailable", "The tenant's signing keys could not be loaded", { cause: error });
}
