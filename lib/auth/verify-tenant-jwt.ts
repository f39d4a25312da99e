import { errors, jwtVerify, type JWTPayload } from "jose";
import type { EntraConfig } from "./entra-config";
import type { TenantDiscovery } from "./tenant-discovery";

/** Entra and our servers disagree on the time by a few seconds at most. */
const CLOCK_TOLERANCE_SECONDS = 60;

/**
 * Verifies a token the tenant issued (access or ID token): RS256 only, which also refuses
 * `alg: none` and the HS256-keyed-with-the-public-key trick; signed with the tenant's keys;
 * issuer pinned; the given audience; `exp` required and `nbf` honoured. Throws jose's errors,
 * so callers can say precisely what was wrong.
 */
export async function verifyTenantJwt(
  token: string,
  config: EntraConfig,
  discovery: TenantDiscovery,
  audience: string | readonly string[],
): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, discovery.keys, {
    algorithms: ["RS256"],
    issuer: [...config.acceptedIssuers],
    audience: typeof audience === "string" ? audience : [...audience],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    // jose checks exp only when present; a token without one is refused.
    requiredClaims: ["exp", "tid", "oid"],
  });
  // The issuer already names the tenant; tid is checked too, as Microsoft advises, because
  // issuers are compared as strings and the v1.0 form differs from the v2.0 one.
  if (String(payload.tid).toLowerCase() !== config.tenantId) {
    throw new errors.JWTClaimValidationFailed('unexpected "tid" claim value', payload, "tid", "check_failed");
  }
  return payload;
}
