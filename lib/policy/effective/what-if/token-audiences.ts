/**
 * The audiences the token validations on a call's request path accept, as far as they can be
 * known: what a client asks a token for when it should get in. A verification requests its probe
 * tokens for these; an expression or an unknown named value is left out (and said so).
 */
import type { AccessFacts } from "../effective-input";
import type { EffectivePipeline } from "../effective-pipeline";
import { namedValueMap, resolve } from "../policy-value";
import { REQUEST_SECTIONS, walkPipeline } from "../walk-pipeline";

export interface TokenAudiences {
  /** Resolved audiences, in the order the validations list them, without repeats. */
  audiences: string[];
  /** Whether a token validation on the path lists no audiences (any audience passes it). */
  unrestricted: boolean;
  /** Whether any token validation runs on the path. */
  validated: boolean;
  /** Whether a token validation on the path requires claims. */
  requiresClaims: boolean;
  /** Audiences that could not be resolved, in words. */
  unknown: string[];
}

export function tokenAudiences(pipeline: EffectivePipeline, facts: AccessFacts = {}): TokenAudiences {
  const namedValues = namedValueMap(facts.namedValues);
  const result: TokenAudiences = {
    audiences: [],
    unrestricted: false,
    validated: false,
    requiresClaims: false,
    unknown: [],
  };
  for (const { statement } of walkPipeline(pipeline, REQUEST_SECTIONS)) {
    if (statement.role !== "caller-check") continue;
    const { check } = statement;
    if (check.kind !== "validate-azure-ad-token" && check.kind !== "validate-jwt") continue;
    result.validated = true;
    if (check.requiredClaims.length > 0) result.requiresClaims = true;
    if (check.audiences === null || check.audiences.length === 0) {
      result.unrestricted = true;
      continue;
    }
    for (const value of check.audiences) {
      const resolved = resolve(value, namedValues);
      if (!resolved.ok) result.unknown.push(resolved.reason);
      else if (!result.audiences.includes(resolved.value.trim())) result.audiences.push(resolved.value.trim());
    }
  }
  return result;
}
