import { base64url, compactVerify, decodeJwt, decodeProtectedHeader, importJWK, type JWK, type JWTPayload } from "jose";
import type { OpenIdConfigurations } from "./openid-configurations";

/**
 * JWT validation shared by validate-jwt and validate-azure-ad-token, in the order .NET's
 * token handler (which APIM uses) checks: signature, lifetime, audience, issuer; then the
 * policy's own checks (client application ids, required claims). Failures carry the reason
 * and message of APIM's predefined validate-jwt errors (api-management-error-handling-
 * policies.md): "<message from jwt library>. Access denied." — the library messages here
 * follow the IDX messages of Microsoft.IdentityModel, shortened.
 */
export interface RequiredClaim {
  name: string;
  match: "all" | "any";
  separator: string | undefined;
  values: string[];
}

export interface TokenRules {
  openIdConfigUrls: string[];
  /** Keys given inline (`issuer-signing-keys`): JWKs, symmetric ones as `oct`. */
  signingKeys: JWK[];
  /** Acceptable issuers; those of the OpenID configurations are added. Empty: not checked. */
  issuers: string[];
  /** Acceptable audiences; undefined: not checked. */
  audiences: string[] | undefined;
  /** validate-azure-ad-token: the `azp` (v2) or `appid` (v1) must be one of these. */
  clientApplicationIds: string[] | undefined;
  requiredClaims: RequiredClaim[];
  requireExpirationTime: boolean;
  requireSignedTokens: boolean;
  clockSkewSeconds: number;
}

export type TokenFailureReason =
  | "TokenSignatureInvalid"
  | "TokenAudienceNotAllowed"
  | "TokenIssuerNotAllowed"
  | "TokenExpired"
  | "TokenSignatureKeyNotFound"
  | "TokenClaimNotFound"
  | "TokenClaimValueNotAllowed"
  | "JwtInvalid";

export type TokenValidation =
  { valid: true; claims: JWTPayload } | { valid: false; reason: TokenFailureReason; message: string };

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"];
const SYMMETRIC = ["HS256", "HS384", "HS512"];

function fail(reason: TokenFailureReason, message: string): TokenValidation {
  return { valid: false, reason, message };
}

function denied(libraryMessage: string): string {
  return `${libraryMessage}. Access denied.`;
}

export async function validateToken(
  token: string,
  rules: TokenRules,
  configurations: OpenIdConfigurations,
  now: number = Date.now(),
): Promise<TokenValidation> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let claims: JWTPayload;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt(token);
  } catch {
    return fail("JwtInvalid", "IDX14100: JWT is not well formed");
  }

  const signature = await checkSignature(token, header.alg, header.kid, rules, configurations);
  if (signature !== undefined) return signature;

  const seconds = now / 1000;
  if (claims.exp === undefined) {
    if (rules.requireExpirationTime)
      return fail(
        "JwtInvalid",
        denied("IDX10225: Lifetime validation failed. The token is missing an Expiration Time"),
      );
  } else if (claims.exp + rules.clockSkewSeconds < seconds) {
    return fail(
      "TokenExpired",
      denied(`IDX10223: Lifetime validation failed. The token is expired. ValidTo: '${iso(claims.exp)}'`),
    );
  }
  if (claims.nbf !== undefined && claims.nbf - rules.clockSkewSeconds > seconds)
    return fail(
      "JwtInvalid",
      denied(`IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom: '${iso(claims.nbf)}'`),
    );

  if (rules.audiences !== undefined) {
    const audiences = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((audience) => rules.audiences!.includes(audience)))
      return fail(
        "TokenAudienceNotAllowed",
        denied(`IDX10214: Audience validation failed. Audiences: '${audiences.join(", ")}'`),
      );
  }

  const issuers = new Set(rules.issuers);
  for (const url of rules.openIdConfigUrls) {
    const issuer = (await configurations.get(url))?.issuer;
    if (issuer) issuers.add(issuer);
  }
  if (issuers.size > 0 && (claims.iss === undefined || !issuers.has(claims.iss)))
    return fail("TokenIssuerNotAllowed", denied(`IDX10205: Issuer validation failed. Issuer: '${claims.iss ?? ""}'`));

  if (rules.clientApplicationIds !== undefined) {
    const claim = claims.ver === "1.0" ? "appid" : "azp";
    const clientId = String(claims[claim] ?? claims.appid ?? claims.azp ?? "");
    if (!rules.clientApplicationIds.some((id) => id.toLowerCase() === clientId.toLowerCase()))
      return fail("TokenClaimValueNotAllowed", `Claim ${claim} value of ${clientId} is not allowed. Access denied.`);
  }

  return checkRequiredClaims(claims, rules.requiredClaims);
}

async function checkSignature(
  token: string,
  alg: string | undefined,
  kid: string | undefined,
  rules: TokenRules,
  configurations: OpenIdConfigurations,
): Promise<TokenValidation | undefined> {
  if (alg === undefined || alg === "none") {
    return rules.requireSignedTokens
      ? fail("TokenSignatureInvalid", denied("IDX10504: Unable to validate signature, token does not have a signature"))
      : undefined;
  }
  if (!ASYMMETRIC.includes(alg) && !SYMMETRIC.includes(alg))
    return fail(
      "TokenSignatureInvalid",
      denied(`IDX10511: Signature validation failed. Algorithm '${alg}' is not supported`),
    );

  let candidates = await keysFor(rules, configurations, false);
  const matching = (keys: JWK[]) => keys.filter((key) => kid === undefined || key.kid === undefined || key.kid === kid);
  if (kid !== undefined && matching(candidates).length === 0 && rules.openIdConfigUrls.length > 0)
    candidates = await keysFor(rules, configurations, true);
  const usable = matching(candidates).filter((key) =>
    SYMMETRIC.includes(alg) ? key.kty === "oct" : key.kty !== "oct",
  );
  if (usable.length === 0)
    return fail(
      "TokenSignatureKeyNotFound",
      denied(`IDX10501: Signature validation failed. Unable to match key: kid: '${kid ?? ""}'`),
    );
  for (const key of usable) {
    try {
      await compactVerify(token, await importJWK({ ...key, alg }, alg), { algorithms: [alg] });
      return undefined;
    } catch {
      // Try the next key, as APIM does with several keys.
    }
  }
  return fail("TokenSignatureInvalid", denied("IDX10511: Signature validation failed"));
}

async function keysFor(rules: TokenRules, configurations: OpenIdConfigurations, refresh: boolean): Promise<JWK[]> {
  const keys = [...rules.signingKeys];
  for (const url of rules.openIdConfigUrls) {
    const configuration = refresh ? await configurations.refreshForUnknownKey(url) : await configurations.get(url);
    keys.push(...(configuration?.keys ?? []));
  }
  return keys;
}

function checkRequiredClaims(claims: JWTPayload, required: RequiredClaim[]): TokenValidation {
  const missing = required.filter((claim) => claims[claim.name] === undefined).map((claim) => claim.name);
  if (missing.length > 0)
    return fail(
      "TokenClaimNotFound",
      `JWT token is missing the following claims: ${missing.join(", ")}. Access denied.`,
    );
  for (const claim of required) {
    const present = claimValues(claims[claim.name], claim.separator);
    const ok =
      claim.match === "any"
        ? claim.values.some((value) => present.includes(value))
        : claim.values.every((value) => present.includes(value));
    if (!ok)
      return fail(
        "TokenClaimValueNotAllowed",
        `Claim ${claim.name} value of ${present.join(claim.separator ?? ",")} is not allowed. Access denied.`,
      );
  }
  return { valid: true, claims };
}

function claimValues(value: unknown, separator: string | undefined): string[] {
  const values = Array.isArray(value) ? value.map(String) : [String(value)];
  return separator ? values.flatMap((item) => item.split(separator)) : values;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** An inline `<key>` of issuer-signing-keys as a JWK: base64 bytes are a symmetric key, n/e an RSA one. */
export function inlineSigningKey(key: { base64?: string; n?: string; e?: string; id?: string }): JWK {
  const kid = key.id === undefined ? {} : { kid: key.id };
  if (key.n !== undefined && key.e !== undefined) return { kty: "RSA", n: key.n, e: key.e, ...kid };
  return { kty: "oct", k: base64url.encode(Buffer.from(key.base64 ?? "", "base64")), ...kid };
}
