/**
 * The claim checks validate-azure-ad-token and validate-jwt share: lists of accepted values
 * ("each value is tried until either all are exhausted (in which case validation fails) or until
 * one succeeds"), required claims with `match` and `separator`, and the token lifetime.
 */
import type { ClaimRequirement, PolicyValue } from "../effective-pipeline";
import { resolve, shorten } from "../policy-value";
import type { Verdicts } from "./check-outcome";
import { isGuid } from "./entra-issuers";

/** The values of a claim: an array's items, or a string split at `separator`. undefined when absent. */
export function claimValues(
  claims: Readonly<Record<string, unknown>>,
  name: string,
  separator?: string,
): string[] | undefined {
  if (!Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.map(asText);
  const text = asText(value);
  return separator === undefined || separator === "" ? [text] : text.split(separator);
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Whether one of `accepted` equals one of the token's values. GUIDs (application ids) compare
 * without regard to case, as GUIDs do; everything else exactly. A value the engine cannot know
 * (an expression, a named value not given) leaves a non-match undetermined.
 */
function matchList(
  tokenValues: readonly string[],
  accepted: readonly PolicyValue[],
  namedValues: ReadonlyMap<string, string>,
): { match: true } | { match: false; unknown: string[] } {
  const unknown: string[] = [];
  for (const value of accepted) {
    const resolved = resolve(value, namedValues);
    if (!resolved.ok) {
      unknown.push(resolved.reason);
      continue;
    }
    if (tokenValues.some((tokenValue) => sameValue(tokenValue, resolved.value.trim()))) return { match: true };
  }
  return { match: false, unknown };
}

function sameValue(tokenValue: string, accepted: string): boolean {
  return isGuid(tokenValue) && isGuid(accepted)
    ? tokenValue.toLowerCase() === accepted.toLowerCase()
    : tokenValue === accepted;
}

/** Checks a claim against a list the statement accepts, recording the verdict. */
export function checkList(
  verdicts: Verdicts,
  what: string,
  tokenValues: readonly string[] | undefined,
  accepted: readonly PolicyValue[],
  namedValues: ReadonlyMap<string, string>,
  defaultMessage: string | null,
): void {
  if (tokenValues === undefined || tokenValues.length === 0) {
    verdicts.failures.push({ reason: `the token has no ${what}`, defaultMessage });
    return;
  }
  const matched = matchList(tokenValues, accepted, namedValues);
  if (matched.match) return;
  const shown = tokenValues.map((value) => `'${shorten(value)}'`).join(", ");
  if (matched.unknown.length > 0)
    verdicts.undetermined.push(
      `${what} ${shown} is not among the known accepted values, and ${matched.unknown.join("; ")}`,
    );
  else verdicts.failures.push({ reason: `${what} ${shown} is not accepted`, defaultMessage });
}

/**
 * `required-claims`: "When the match attribute is set to all, every claim value in the policy must
 * be present in the token for validation to succeed. When the match attribute is set to any, at
 * least one claim must be present in the token for validation to succeed." `separator` "to be
 * used for extracting a set of values from a multi-valued claim".
 */
export function checkRequiredClaims(
  verdicts: Verdicts,
  requirements: readonly ClaimRequirement[],
  claims: Readonly<Record<string, unknown>>,
  namedValues: ReadonlyMap<string, string>,
): void {
  const missing: string[] = [];
  for (const requirement of requirements) {
    const settings = [requirement.name, requirement.match, requirement.separator].map((value) =>
      value === null ? { ok: true as const, value: undefined } : resolve(value, namedValues),
    );
    const unknownSetting = settings.find((setting) => !setting.ok);
    if (unknownSetting !== undefined && !unknownSetting.ok) {
      verdicts.undetermined.push(`a required claim's setting is unknown: ${unknownSetting.reason}`);
      continue;
    }
    const [name, match, separator] = settings.map((setting) => (setting.ok ? setting.value : undefined));
    const mode = (match ?? "all").trim().toLowerCase();
    if (mode !== "all" && mode !== "any") {
      verdicts.undetermined.push(`claim ${name}: match="${match}" is neither all nor any`);
      continue;
    }
    const present = claimValues(claims, name ?? "", separator);
    if (present === undefined) {
      missing.push(name ?? "");
      continue;
    }
    checkClaimValues(verdicts, name ?? "", present, requirement.values, mode, namedValues);
  }
  if (missing.length > 0)
    verdicts.failures.push({
      reason: `the token lacks the required claim${missing.length === 1 ? "" : "s"} ${missing.join(", ")}`,
      defaultMessage: `JWT token is missing the following claims: ${missing.join(", ")}. Access denied.`,
    });
}

function checkClaimValues(
  verdicts: Verdicts,
  name: string,
  present: readonly string[],
  required: readonly PolicyValue[],
  mode: "all" | "any",
  namedValues: ReadonlyMap<string, string>,
): void {
  if (required.length === 0) return;
  const resolved = required.map((value) => resolve(value, namedValues));
  const known = resolved.flatMap((value) => (value.ok ? [value.value.trim()] : []));
  const unknown = resolved.flatMap((value) => (value.ok ? [] : [value.reason]));
  const found = known.filter((value) => present.includes(value));
  const refused = {
    reason: `claim ${name} (${present.map(shorten).join(", ")}) does not hold ${mode === "all" ? "every" : "any"} required value (${known.join(", ")})`,
    defaultMessage: `Claim ${name} value of ${present.join(",")} is not allowed. Access denied.`,
  };
  if (mode === "any") {
    if (found.length > 0) return;
    if (unknown.length > 0) verdicts.undetermined.push(`claim ${name}: ${unknown.join("; ")}`);
    else verdicts.failures.push(refused);
    return;
  }
  if (found.length < known.length) verdicts.failures.push(refused);
  else if (unknown.length > 0) verdicts.undetermined.push(`claim ${name}: ${unknown.join("; ")}`);
}

/**
 * Token lifetime: refused once `exp` has passed, or before `nbf`, each by more than the clock skew
 * (RFC 7519: the token must not be accepted on or after `exp`, nor before `nbf`). `skew` is the
 * tolerated difference in seconds; `unknownSkewUpTo` widens it into a band in which the outcome
 * depends on a skew the documentation does not give, and is then undetermined.
 */
export function checkLifetime(
  verdicts: Verdicts,
  claims: Readonly<Record<string, unknown>>,
  at: number,
  skew: number,
  unknownSkewUpTo = skew,
): void {
  const exp = claims.exp as number | undefined;
  const nbf = claims.nbf as number | undefined;
  if (exp !== undefined) {
    if (at >= exp + unknownSkewUpTo)
      verdicts.failures.push({
        reason: `the token expired at ${isoSeconds(exp)}${unknownSkewUpTo > 0 ? `, more than ${unknownSkewUpTo} s before ${isoSeconds(at)}` : ""}`,
        defaultMessage: null,
      });
    else if (at >= exp + skew)
      verdicts.undetermined.push(
        `the token expired at ${isoSeconds(exp)}, ${Math.round(at - exp)} s before ${isoSeconds(at)}: whether APIM still accepts it depends on a clock skew the documentation does not give`,
      );
  }
  if (nbf !== undefined) {
    if (at < nbf - unknownSkewUpTo)
      verdicts.failures.push({ reason: `the token is not valid before ${isoSeconds(nbf)}`, defaultMessage: null });
    else if (at < nbf - skew)
      verdicts.undetermined.push(
        `the token is not valid before ${isoSeconds(nbf)}, ${Math.round(nbf - at)} s after ${isoSeconds(at)}: whether APIM accepts it depends on a clock skew the documentation does not give`,
      );
  }
}

function isoSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString().replace(".000Z", "Z");
}
