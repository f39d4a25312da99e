/**
 * validate-jwt, as documented: the token from `header-name`, `query-parameter-name` or
 * `token-value`; `require-scheme` ("the policy will ensure that specified scheme is present in the
 * Authorization header value", and "When using a custom header (header-name), the configured
 * required scheme (require-scheme) will be ignored"); `require-signed-tokens` (default true);
 * `require-expiration-time` ("requires that the exp registered claim is included in the JWT
 * token, unless require-expiration-time attribute is specified and set to false"); `clock-skew`
 * (default 0 seconds); `issuers`, `audiences` ("each value is tried until either all are exhausted
 * (in which case validation fails) or until one succeeds"), the issuer an `openid-config`
 * declares; `required-claims`; failed-validation-httpcode (default 401) and -error-message.
 * The signature is never checked: the engine has no keys and fetches nothing.
 */
import type { AccessFacts } from "../effective-input";
import type { JwtCheck, PolicyValue } from "../effective-pipeline";
import { resolve } from "../policy-value";
import { booleanSetting, newVerdicts, outcomeOf, type CheckOutcome, type Verdicts } from "./check-outcome";
import { JWT_NOT_PRESENT, type TokenEvaluation } from "./evaluate-entra-token";
import type { SeenToken } from "./read-token-source";
import { checkLifetime, checkList, checkRequiredClaims, claimValues } from "./token-claims";

export function evaluateJwt(
  check: JwtCheck,
  seen: SeenToken,
  evaluation: TokenEvaluation & { openIdConfigurations: AccessFacts["openIdConfigurations"] },
): CheckOutcome {
  const verdicts = newVerdicts();
  const { token, namedValues } = evaluation;
  if (seen.kind === "absent")
    verdicts.failures.push({ reason: `no token: ${seen.reason}`, defaultMessage: JWT_NOT_PRESENT });
  else if (seen.kind === "not-a-token") verdicts.failures.push({ reason: seen.reason, defaultMessage: null });
  else if (seen.kind === "unknown") verdicts.undetermined.push(seen.reason);
  else {
    if (seen.header === "authorization") checkScheme(verdicts, check.requireScheme, namedValues);
    checkSignature(verdicts, check, evaluation);
    checkExpiry(verdicts, check, evaluation);
    checkIssuer(verdicts, check, evaluation);
    if (check.audiences !== null)
      checkList(verdicts, "audience (aud)", claimValues(token.claims, "aud"), check.audiences, namedValues, null);
    checkRequiredClaims(verdicts, check.requiredClaims, token.claims, namedValues);
  }
  return outcomeOf(verdicts, check.failed, { status: 401 }, namedValues);
}

/**
 * The what-if sends `Authorization: Bearer <token>`. Without require-scheme that is read as the
 * token too: the documentation's "Microsoft Entra ID single tenant token validation" example reads
 * Authorization without require-scheme. Schemes compare without regard to case (RFC 9110).
 */
function checkScheme(
  verdicts: Verdicts,
  requireScheme: PolicyValue | null,
  namedValues: ReadonlyMap<string, string>,
): void {
  if (requireScheme === null) return;
  const scheme = resolve(requireScheme, namedValues);
  if (!scheme.ok) verdicts.undetermined.push(`the required scheme is unknown: ${scheme.reason}`);
  else if (scheme.value.trim().toLowerCase() !== "bearer")
    verdicts.failures.push({
      reason: `the Authorization header uses the Bearer scheme, not ${scheme.value}`,
      defaultMessage: null,
    });
}

function checkSignature(verdicts: Verdicts, check: JwtCheck, { token, namedValues }: TokenEvaluation): void {
  if (token.signature === "present") {
    verdicts.notes.push("the token's signature is not checked");
    return;
  }
  if (token.signature !== "absent") return;
  const required = booleanSetting(check.requireSignedTokens, true, namedValues);
  if (!required.ok)
    verdicts.undetermined.push(`the token is not signed and require-signed-tokens is unknown: ${required.reason}`);
  else if (required.value)
    verdicts.failures.push({ reason: "the token is not signed (require-signed-tokens is true)", defaultMessage: null });
}

function checkExpiry(verdicts: Verdicts, check: JwtCheck, { token, at, namedValues }: TokenEvaluation): void {
  const skew = clockSkew(check.clockSkew, namedValues);
  if (!skew.ok) {
    verdicts.undetermined.push(`the clock skew is unknown: ${skew.reason}`);
    return;
  }
  if (token.claims.exp === undefined) {
    const required = booleanSetting(check.requireExpirationTime, true, namedValues);
    if (!required.ok)
      verdicts.undetermined.push(`the token has no exp and require-expiration-time is unknown: ${required.reason}`);
    else if (required.value)
      verdicts.failures.push({
        reason: "the token has no exp (require-expiration-time is true)",
        defaultMessage: null,
      });
  }
  checkLifetime(verdicts, token.claims, at, skew.value);
}

/** clock-skew: "Timespan … maximum expected time difference", written as seconds; default "0 seconds". */
function clockSkew(value: PolicyValue | null, namedValues: ReadonlyMap<string, string>) {
  if (value === null) return { ok: true as const, value: 0 };
  const resolved = resolve(value, namedValues);
  if (!resolved.ok) return resolved;
  const text = resolved.value.trim();
  return /^\d+(\.\d+)?$/.test(text)
    ? { ok: true as const, value: Number(text) }
    : { ok: false as const, reason: `'${text}' is not a number of seconds` };
}

/** Accepted issuers: those listed and those the OpenID configurations declare ("from which signing keys and issuer can be obtained"). */
function checkIssuer(
  verdicts: Verdicts,
  check: JwtCheck,
  {
    token,
    namedValues,
    openIdConfigurations,
  }: TokenEvaluation & { openIdConfigurations: AccessFacts["openIdConfigurations"] },
): void {
  if (check.issuers === null && check.openIdConfigUrls.length === 0) return;
  const accepted: PolicyValue[] = [...(check.issuers ?? [])];
  const undeclared: string[] = [];
  for (const url of check.openIdConfigUrls) {
    const resolved = resolve(url, namedValues);
    const declared = resolved.ok ? openIdConfigurations?.[resolved.value.trim()]?.issuer : undefined;
    if (declared === undefined) undeclared.push(url.text);
    else accepted.push({ text: declared, kind: "literal" });
  }
  const issuer = claimValues(token.claims, "iss");
  const probe = newVerdicts();
  checkList(probe, "issuer (iss)", issuer, accepted, namedValues, null);
  if (probe.failures.length > 0 && issuer !== undefined && undeclared.length > 0) {
    verdicts.undetermined.push(
      `issuer '${issuer.join(", ")}' is not among the known accepted issuers, and the issuer the OpenID configuration ${undeclared.join(", ")} declares was not given`,
    );
    return;
  }
  verdicts.failures.push(...probe.failures);
  verdicts.undetermined.push(...probe.undetermined);
}
