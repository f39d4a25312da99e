/**
 * validate-azure-ad-token, as documented: it "enforces the existence and validity of a JSON web
 * token (JWT) that was provided by the Microsoft Entra service"; the minimal form "expects the JWT
 * to be provided in the default Authorization header using the Bearer scheme"; client
 * application ids and audiences: "each value is tried until either all are exhausted (in which
 * case validation fails) or until one succeeds"; failed-validation-httpcode defaults to 401. The
 * client application is the token's `azp` (v2.0) or `appid` (v1.0), and the issuer the tenant's
 * v1.0 or v2.0 issuer (Microsoft identity platform access token reference).
 */
import type { EntraTokenCheck } from "../effective-pipeline";
import { resolve } from "../policy-value";
import { newVerdicts, outcomeOf, type CheckOutcome, type Verdicts } from "./check-outcome";
import { entraIssuers, isGuid } from "./entra-issuers";
import type { SeenToken } from "./read-token-source";
import { checkLifetime, checkList, checkRequiredClaims, claimValues } from "./token-claims";
import type { TokenUnderTest } from "./token-input";

/**
 * validate-azure-ad-token has no clock-skew setting and the documentation gives none; a token
 * within five minutes (the default `ClockSkew` of the .NET token validation APIM runs on) of
 * `exp` or `nbf` is undetermined rather than guessed either way.
 */
const UNDOCUMENTED_SKEW_SECONDS = 300;

export const JWT_NOT_PRESENT = "JWT not present.";

export interface TokenEvaluation {
  token: TokenUnderTest;
  /** The instant, in seconds since 1970. */
  at: number;
  namedValues: ReadonlyMap<string, string>;
  /** The Entra sign-in host whose tenants' tokens validate-azure-ad-token accepts (default: the public cloud's). */
  entraAuthorityHost?: string;
}

export function evaluateEntraToken(check: EntraTokenCheck, seen: SeenToken, evaluation: TokenEvaluation): CheckOutcome {
  const verdicts = newVerdicts();
  const { token, at, namedValues } = evaluation;
  if (seen.kind === "absent")
    verdicts.failures.push({ reason: `no token: ${seen.reason}`, defaultMessage: JWT_NOT_PRESENT });
  else if (seen.kind === "not-a-token") verdicts.failures.push({ reason: seen.reason, defaultMessage: null });
  else if (seen.kind === "unknown") verdicts.undetermined.push(seen.reason);
  else {
    if (token.signature === "absent")
      verdicts.failures.push({
        reason: "the token is not signed, and validate-azure-ad-token validates Microsoft Entra's signed tokens",
        defaultMessage: null,
      });
    else if (token.signature === "present") verdicts.notes.push("the token's signature is not checked");
    checkIssuer(verdicts, check, token, namedValues, evaluation.entraAuthorityHost);
    if (token.claims.exp === undefined)
      verdicts.undetermined.push(
        "the token has no exp, and the documentation does not say whether validate-azure-ad-token accepts that",
      );
    checkLifetime(verdicts, token.claims, at, 0, UNDOCUMENTED_SKEW_SECONDS);
    checkAudience(verdicts, check, token, namedValues);
    if (check.clientApplicationIds !== null) {
      const client = claimValues(token.claims, "azp") ?? claimValues(token.claims, "appid");
      checkList(verdicts, "client application (azp or appid)", client, check.clientApplicationIds, namedValues, null);
    }
    checkRequiredClaims(verdicts, check.requiredClaims, token.claims, namedValues);
  }
  return outcomeOf(verdicts, check.failed, { status: 401 }, namedValues);
}

const ENTRA_ISSUER =
  /^https:\/\/(?:sts\.windows\.net\/[0-9a-f-]{36}\/|login\.microsoftonline\.com\/[0-9a-f-]{36}\/v2\.0)$/i;

function checkIssuer(
  verdicts: Verdicts,
  check: EntraTokenCheck,
  token: TokenUnderTest,
  namedValues: ReadonlyMap<string, string>,
  authorityHost: string | undefined,
): void {
  const issuer = typeof token.claims.iss === "string" ? token.claims.iss : undefined;
  if (issuer === undefined) {
    verdicts.failures.push({ reason: "the token has no iss", defaultMessage: null });
    return;
  }
  if (check.tenantId === null) {
    verdicts.undetermined.push("the statement has no tenant-id, which APIM requires");
    return;
  }
  const tenant = resolve(check.tenantId, namedValues);
  if (!tenant.ok) {
    verdicts.undetermined.push(`the tenant is unknown: ${tenant.reason}`);
    return;
  }
  const tenantId = tenant.value.trim();
  if (check.authenticationEndpoint !== null) {
    const endpoint = resolve(check.authenticationEndpoint, namedValues);
    const v2 =
      endpoint.ok && isGuid(tenantId)
        ? `${endpoint.value.trim().replace(/\/+$/, "")}/${tenantId.toLowerCase()}/v2.0`
        : undefined;
    if (issuer !== v2)
      verdicts.undetermined.push(
        "the statement sets authentication-endpoint, and the issuers of that cloud are not known to the engine",
      );
    return;
  }
  const accepted = entraIssuers(tenantId, authorityHost);
  if (accepted === undefined) {
    // A domain name: its tenant id is not known, but an issuer of no Entra form cannot be its.
    if (ENTRA_ISSUER.test(issuer))
      verdicts.undetermined.push(
        `the tenant is the domain ${tenantId}, whose tenant id (in the issuer ${issuer}) the engine cannot know`,
      );
    else
      verdicts.failures.push({
        reason: `the issuer ${issuer} is not a Microsoft Entra tenant's`,
        defaultMessage: null,
      });
    return;
  }
  if (!accepted.includes(issuer))
    verdicts.failures.push({
      reason: `the issuer ${issuer} is not tenant ${tenantId}'s (${accepted.join(" or ")})`,
      defaultMessage: null,
    });
}

function checkAudience(
  verdicts: Verdicts,
  check: EntraTokenCheck,
  token: TokenUnderTest,
  namedValues: ReadonlyMap<string, string>,
): void {
  if (check.audiences !== null)
    checkList(verdicts, "audience (aud)", claimValues(token.claims, "aud"), check.audiences, namedValues, null);
  if (check.backendApplicationIds !== null)
    verdicts.undetermined.push(
      'the statement lists backend-application-ids, whose effect the documentation does not describe ("only required in advanced cases")',
    );
}
