/**
 * The token a what-if checks: a JWT whose header and payload are decoded but whose signature is
 * NOT checked (the engine has no keys and fetches nothing), or a claims object. Bad input is
 * refused with a message naming what is wrong, never repeating the token.
 */

export interface TokenUnderTest {
  claims: Readonly<Record<string, unknown>>;
  /** `absent`: an unsigned JWT (`alg` "none" or no signature); `not-applicable` for a claims object. */
  signature: "present" | "absent" | "not-applicable";
  /** The JWT as given (no `Bearer ` prefix); undefined for a claims object. */
  raw?: string;
}

export type TokenInput = { token: string } | { claims: unknown };

export type TokenReading = { ok: true; token: TokenUnderTest } | { ok: false; message: string };

export function readTokenInput(input: TokenInput): TokenReading {
  if ("token" in input) return readJwt(input.token);
  const claims = checkClaims(input.claims, "the claims");
  return claims.ok ? { ok: true, token: { claims: claims.value, signature: "not-applicable" } } : claims;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function readJwt(given: string): TokenReading {
  const token = given.trim().replace(/^bearer\s+/i, "");
  if (token === "") return { ok: false, message: "the token is empty" };
  const parts = token.split(".");
  if (parts.length === 5)
    return { ok: false, message: "the token has 5 parts: it is an encrypted JWT (JWE), whose claims cannot be read" };
  if (parts.length !== 3)
    return {
      ok: false,
      message: `the token has ${parts.length} part${parts.length === 1 ? "" : "s"} separated by '.'; a JWT has 3`,
    };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  for (const [part, name] of [
    [headerPart, "header"],
    [payloadPart, "payload"],
    [signaturePart, "signature"],
  ] as const) {
    if (!BASE64URL.test(part)) return { ok: false, message: `the token's ${name} is not base64url-encoded` };
  }
  const header = decodeJson(headerPart, "header");
  if (!header.ok) return header;
  const algorithm = header.value.alg;
  if (typeof algorithm !== "string") return { ok: false, message: "the token's header has no alg (string)" };
  const payload = decodeJson(payloadPart, "payload");
  if (!payload.ok) return payload;
  const claims = checkClaims(payload.value, "the token's payload");
  if (!claims.ok) return claims;
  const unsigned = algorithm.toLowerCase() === "none" || signaturePart === "";
  return { ok: true, token: { claims: claims.value, signature: unsigned ? "absent" : "present", raw: token } };
}

type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

function decodeJson(part: string, name: string): Checked<Record<string, unknown>> {
  let text: string;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    text = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    return { ok: false, message: `the token's ${name} is not base64url-encoded UTF-8` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, message: `the token's ${name} is not JSON` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { ok: false, message: `the token's ${name} is not a JSON object` };
  return { ok: true, value: value as Record<string, unknown> };
}

const NUMERIC_DATES = ["exp", "nbf", "iat"];
const STRINGS = ["iss", "azp", "appid", "tid", "ver"];

/** The registered claims the evaluator reads must have their JWT types (RFC 7519: NumericDate, StringOrURI). */
function checkClaims(value: unknown, what: string): Checked<Record<string, unknown>> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { ok: false, message: `${what} must be a JSON object of claims` };
  const claims = value as Record<string, unknown>;
  for (const name of NUMERIC_DATES) {
    const claim = claims[name];
    if (claim !== undefined && (typeof claim !== "number" || !Number.isFinite(claim)))
      return { ok: false, message: `claim ${name} must be a number of seconds since 1970 (a JWT NumericDate)` };
  }
  for (const name of STRINGS) {
    if (claims[name] !== undefined && typeof claims[name] !== "string")
      return { ok: false, message: `claim ${name} must be a string` };
  }
  const audience = claims.aud;
  if (
    audience !== undefined &&
    typeof audience !== "string" &&
    !(Array.isArray(audience) && audience.every((item) => typeof item === "string"))
  )
    return { ok: false, message: "claim aud must be a string or an array of strings" };
  return { ok: true, value: claims };
}
