/**
 * Which probe each available token makes and what the what-if evaluator expects for it. Pure:
 * the tokens are given (fetched by the caller), the pipeline is composed from what APIM holds, and
 * nothing here sends a request. A probe kind no honest token is available for is "not probed",
 * with the reason.
 */
import {
  checkToken,
  tokenAudiences,
  type AccessFacts,
  type EffectivePipeline,
  type StatementRef,
  type TokenCheckResult,
} from "../policy";
import type { ProbeExpectation, ProbeKind } from "./probe-kinds";

/** A token Portcullis could honestly obtain, and whose it is. */
export interface CandidateToken {
  /** Whose token it is, in words (display name and client id). */
  caller: string;
  /** The Portcullis probe identity (its own app registration), or a sandbox caller client. */
  identity: "probe" | "sandboxCaller";
  /** Requested for an audience the caller checks accept (`expected`) or for another one (`other`). */
  audience: "expected" | "other";
  token: string;
}

export type PlannedProbe =
  | { kind: ProbeKind; state: "send"; caller: string | null; token: string | null; expected: ProbeExpectation }
  | { kind: ProbeKind; state: "not_probed"; caller: string | null; reason: string };

/** The kinds of refusal a failed check step names (from the what-if's reasons). */
type Refusal = "client" | "audience" | "claim" | "lifetime" | "other";

function refusalOf(detail: string): Refusal {
  if (/client application/.test(detail)) return "client";
  if (/audience/i.test(detail)) return "audience";
  if (/required claim|^claim /.test(detail)) return "claim";
  if (/expired|not valid before/.test(detail)) return "lifetime";
  return "other";
}

function describe(ref: StatementRef | null): string | null {
  if (ref === null) return null;
  return `${ref.element} (${ref.scope} policy, line ${ref.line})`;
}

interface Judged {
  candidate: CandidateToken;
  result: Extract<TokenCheckResult, { ok: true }>;
  refusals: Set<Refusal>;
}

function expectationOf(result: Extract<TokenCheckResult, { ok: true }>): ProbeExpectation | null {
  if (result.decision === "undetermined") return null;
  const because = result.steps.filter((step) => step.result === "failed").flatMap((step) => step.details);
  if (result.decision === "allowed")
    return { decision: "allowed", status: null, by: describe(result.decidedBy), because };
  const response = result.response;
  // on-error may rewrite the answer: the status is then not known in advance.
  const status = response && response.mayBeChangedBy.length === 0 ? response.status : null;
  return { decision: "denied", status, by: describe(result.decidedBy), because };
}

function judge(pipeline: EffectivePipeline, facts: AccessFacts, at: Date, candidate: CandidateToken): Judged | null {
  const result = checkToken(pipeline, { token: candidate.token, at }, facts);
  if (!result.ok) return null;
  const refusals = new Set(
    result.steps.filter((step) => step.result === "failed").flatMap((step) => step.details.map(refusalOf)),
  );
  return { candidate, result, refusals };
}

const only = (judged: Judged, refusal: Refusal) =>
  judged.result.decision === "denied" && judged.refusals.size === 1 && judged.refusals.has(refusal);

export interface ProbePlanInput {
  pipeline: EffectivePipeline;
  facts: AccessFacts;
  at: Date;
  candidates: CandidateToken[];
  /** Why no token could be had for a kind of identity (e.g. the token endpoint refused), in words. */
  tokenProblems: string[];
  /** The Portcullis probe identity, in words, for the "not proven" reasons. */
  probeIdentity: string;
  /** Why no token for another audience was asked for (none that nothing accepts is configured), if so. */
  noOtherAudience?: string | null;
}

export function planProbes(input: ProbePlanInput): PlannedProbe[] {
  const { pipeline, facts, at } = input;
  const judged = input.candidates.flatMap((candidate) => judge(pipeline, facts, at, candidate) ?? []);
  const expected = judged.filter((entry) => entry.candidate.audience === "expected");
  const { validated, requiresClaims } = tokenAudiences(pipeline, facts);
  const probes: PlannedProbe[] = [];
  const send = (kind: ProbeKind, entry: Judged): PlannedProbe => {
    const expectation = expectationOf(entry.result);
    return expectation === null
      ? {
          kind,
          state: "not_probed",
          caller: entry.candidate.caller,
          reason: `the what-if cannot decide: ${entry.result.summary}`,
        }
      : { kind, state: "send", caller: entry.candidate.caller, token: entry.candidate.token, expected: expectation };
  };
  const notProbed = (kind: ProbeKind, reason: string): PlannedProbe => ({
    kind,
    state: "not_probed",
    caller: null,
    reason,
  });
  const problems = input.tokenProblems.length > 0 ? ` (${input.tokenProblems.join("; ")})` : "";

  probes.push(noTokenProbe(pipeline, facts, at));

  const other = expected.find((entry) => only(entry, "client"));
  probes.push(
    other
      ? send("notAllowedClient", other)
      : notProbed(
          "notAllowedClient",
          validated
            ? `every identity Portcullis has a token of is an allowed client${problems}`
            : `no token validation on the path decides which clients get in${problems}`,
        ),
  );

  const wrongAudience = judged.find((entry) => entry.candidate.audience === "other" && only(entry, "audience"));
  probes.push(
    wrongAudience
      ? send("wrongAudience", wrongAudience)
      : notProbed(
          "wrongAudience",
          !validated
            ? "no token validation on the path checks the audience"
            : (input.noOtherAudience ??
                "no allowed client's token for another audience is available (only an allowed client's token shows that the audience is what refuses it)"),
        ),
  );

  probes.push(
    notProbed(
      "expired",
      "an expired token cannot be honestly obtained on demand: the identity provider issues tokens valid for an hour or more, and Portcullis keeps no tokens",
    ),
  );

  const missingClaim = expected.find((entry) => only(entry, "claim"));
  probes.push(
    missingClaim
      ? send("missingClaim", missingClaim)
      : notProbed(
          "missingClaim",
          requiresClaims
            ? "no allowed client's token lacking a required claim is available"
            : "no token validation on the path requires claims",
        ),
  );

  const allowed = expected.find((entry) => entry.result.decision === "allowed");
  probes.push(
    allowed
      ? send("allowedClient", allowed)
      : notProbed(
          "allowedClient",
          `allowed callers not proven: ${input.probeIdentity} is not an allowed client of this API${problems}; add it to the profile as "Portcullis probe" to prove that allowed callers get in`,
        ),
  );
  return probes;
}

/**
 * No token: the what-if is asked about a stand-in that no issuer signed and that names no issuer,
 * audience or client — every token validation refuses it, as it refuses a call without a token,
 * with the same configured status (the message differs: "JWT not present.").
 */
function noTokenProbe(pipeline: EffectivePipeline, facts: AccessFacts, at: Date): PlannedProbe {
  const seconds = Math.floor(at.getTime() / 1000);
  const result = checkToken(
    pipeline,
    { claims: { nbf: seconds - 60, iat: seconds - 60, exp: seconds + 3600 }, at },
    facts,
  );
  const expectation = result.ok ? expectationOf(result) : null;
  if (!result.ok || expectation === null)
    return {
      kind: "noToken",
      state: "not_probed",
      caller: null,
      reason: `the what-if cannot decide: ${result.ok ? result.summary : result.error}`,
    };
  return { kind: "noToken", state: "send", caller: null, token: null, expected: expectation };
}
