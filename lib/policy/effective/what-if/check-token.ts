/**
 * Token what-if: what the effective pipeline would decide for a token (or a claims object) at an
 * instant — allowed or denied, by which statement, what APIM would answer, and which credential
 * APIM would attach to the backend call. The token's signature is NOT checked; the result says so.
 */
import { CREDENTIAL_HEADERS } from "../../lint/statement-kinds";
import type { AccessFacts } from "../effective-input";
import { describeStatement, statementRef, type EffectivePipeline, type StatementRef } from "../effective-pipeline";
import { namedValueMap } from "../policy-value";
import { walkPipeline, walkStatements } from "../walk-pipeline";
import { describeBackendCall, type BackendCall } from "./backend-call";
import type { RefusalResponse } from "./check-outcome";
import { requestKey } from "./request-state";
import { runRequestPath, type Assumption, type Assumptions, type CheckStep, type PathEnd } from "./run-pipeline";
import { readTokenInput, type TokenInput, type TokenUnderTest } from "./token-input";
import { tokenHeader } from "../findings/validation-order-rules";

export type TokenCheckRequest = TokenInput & {
  /** The instant the call is made. */
  at: Date;
  /** The caller's IP address, for ip-filter; without it an ip-filter is undetermined. */
  callerIp?: string;
  /** Other headers the call sends (check-header); the token needs none: it is sent where each validation reads it. */
  headers?: Record<string, string>;
};

export interface WhatIfOutcome {
  decision: "allowed" | "denied" | "undetermined";
  /** The statement that decided: the last check passed (allowed), the one that refused, or the one the engine cannot see into. */
  decidedBy: StatementRef | null;
  /** What APIM answers when the call is denied. */
  response: (RefusalResponse & { mayBeChangedBy: StatementRef[] }) | null;
  /** What the backend call carries, when the call is forwarded. */
  backendCall: BackendCall | null;
  /** The undecided conditions and checks on a path that ends this way (the last few, earlier ones counted), in words. */
  when: string[];
  steps: CheckStep[];
}

export type TokenCheckResult =
  | { ok: false; error: string }
  | ({
      ok: true;
      apiId: string;
      productId: string | null;
      operationId: string | null;
      at: string;
      /** Plainly: the signature is not checked. */
      signature: string;
      /** What the what-if takes for granted, in words. */
      assumptions: string[];
      /** One sentence: the decision and why. */
      summary: string;
      /** Every way the call can end, when conditions or checks cannot be decided (one entry otherwise). */
      outcomes: WhatIfOutcome[];
    } & Omit<WhatIfOutcome, "when">);

export function checkToken(
  pipeline: EffectivePipeline,
  request: TokenCheckRequest,
  facts: AccessFacts = {},
): TokenCheckResult {
  const reading = readTokenInput(request);
  if (!reading.ok) return { ok: false, error: reading.message };
  if (Number.isNaN(request.at.getTime())) return { ok: false, error: "the instant is not a valid date" };
  const token = reading.token;
  const namedValues = namedValueMap(facts.namedValues);
  const credentialHeaders = new Set(CREDENTIAL_HEADERS);
  if (pipeline.profile?.backendAuth.mode === "apiKey")
    credentialHeaders.add(pipeline.profile.backendAuth.headerName.toLowerCase());
  let tokenHeaders: ReadonlySet<string> | undefined;
  const ends = runRequestPath(pipeline, {
    token,
    at: request.at.getTime() / 1000,
    callerIp: request.callerIp,
    headers: new Map(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])),
    tokenHeaders: () =>
      (tokenHeaders ??= new Set(
        walkPipeline(pipeline, ["inbound"]).flatMap(({ statement }) => tokenHeader(statement) ?? []),
      )),
    namedValues,
    facts,
  });
  const onError = errorHandlers(pipeline);
  const outcomes = distinctOutcomes(
    groupEnds(ends).map((end) =>
      outcomeOf(end, onError, (state) =>
        describeBackendCall(state, credentialHeaders, facts.backends ?? {}, namedValues),
      ),
    ),
  );
  const first = outcomes[0] as WhatIfOutcome;
  const same = <T>(pick: (outcome: WhatIfOutcome) => T): T | null =>
    outcomes.every((outcome) => JSON.stringify(pick(outcome)) === JSON.stringify(pick(first))) ? pick(first) : null;
  const decision = same((outcome) => outcome.decision) ?? "undetermined";
  const result = {
    decision,
    decidedBy: same((outcome) => outcome.decidedBy),
    response: same((outcome) => outcome.response),
    backendCall: same((outcome) => outcome.backendCall),
    steps: first.steps,
  };
  return {
    ok: true,
    apiId: pipeline.apiId,
    productId: pipeline.productId,
    operationId: pipeline.operationId,
    at: request.at.toISOString(),
    signature: signatureNotice(token),
    assumptions: assumptions(pipeline, facts),
    summary: summary(result.decision, result.decidedBy, outcomes),
    outcomes,
    ...result,
  };
}

function outcomeOf(
  end: PathEnd,
  onError: StatementRef[],
  backendCall: (state: PathEnd["path"]["request"]) => BackendCall,
): WhatIfOutcome {
  const when = describeAssumptions(end.path.assumptions);
  const steps = end.path.steps;
  if (end.decision === "allowed")
    return {
      decision: "allowed",
      decidedBy: end.path.lastPassed,
      response: null,
      backendCall: end.forwarded ? backendCall(end.path.request) : null,
      when,
      steps,
    };
  if (end.decision === "denied")
    return {
      decision: "denied",
      decidedBy: end.by,
      response: { ...end.response, mayBeChangedBy: onError },
      backendCall: null,
      when,
      steps,
    };
  return {
    decision: "undetermined",
    decidedBy: end.by,
    response: null,
    backendCall: null,
    when: [...when, `${describeStatement(end.by)}: ${end.reason}`],
    steps,
  };
}

/** The undecided things closest to the end, in words; a long path's earlier ones only counted. */
const LISTED_ASSUMPTIONS = 5;

function describeAssumptions(assumptions: Assumptions | null): string[] {
  const latest: Assumption[] = [];
  for (let at = assumptions; at !== null && latest.length < LISTED_ASSUMPTIONS; at = at.earlier)
    latest.unshift(at.latest);
  const listed = latest.map(
    (assumption) => `${describeStatement(assumption.statement)} ${assumption.assumed} (${assumption.reason})`,
  );
  const earlier = (assumptions?.count ?? 0) - listed.length;
  return earlier > 0
    ? [
        `${earlier} earlier undecided condition${earlier === 1 ? "" : "s"} or check${earlier === 1 ? "" : "s"}`,
        ...listed,
      ]
    : listed;
}

/** Ends alike in everything but the path to them, as one (the first path stands for how it got there). */
function groupEnds(ends: readonly PathEnd[]): PathEnd[] {
  const groups = new Map<string, PathEnd>();
  for (const end of ends) {
    const key =
      end.decision === "allowed"
        ? `${end.forwarded}|${requestKey(end.path.request)}|${JSON.stringify(end.path.lastPassed)}`
        : `${end.decision}|${end.by.scope}|${end.by.fragment}|${end.by.line}|${end.by.column}|${end.decision === "denied" ? `${end.response.status}|${end.response.message}|${end.response.source}` : end.reason}`;
    if (!groups.has(key)) groups.set(key, end);
  }
  return [...groups.values()];
}

/** Outcomes that agree on everything but the path to them are one. */
function distinctOutcomes(outcomes: WhatIfOutcome[]): WhatIfOutcome[] {
  const byKey = new Map<string, WhatIfOutcome>();
  for (const outcome of outcomes) {
    const key = JSON.stringify([outcome.decision, outcome.decidedBy, outcome.response, outcome.backendCall]);
    if (!byKey.has(key)) byKey.set(key, outcome);
  }
  return [...byKey.values()];
}

/**
 * "If an error occurs during the processing of a request … Execution jumps to the statements in the
 * on-error section": a failed validation's answer is what on-error leaves of it.
 */
function errorHandlers(pipeline: EffectivePipeline): StatementRef[] {
  return walkStatements(pipeline.sections["on-error"].statements, "on-error")
    .map((visit) => visit.statement)
    .filter(
      (statement) =>
        statement.role === "answer" ||
        statement.role === "undetermined" ||
        (statement.role === "other" && ["set-status", "set-body"].includes(statement.element)),
    )
    .map(statementRef);
}

function signatureNotice(token: TokenUnderTest): string {
  if (token.signature === "not-applicable")
    return "Claims were given, not a token: they are evaluated as if they came in a token whose signature APIM verified. No signature is checked.";
  if (token.signature === "absent")
    return 'The token is not signed (alg "none" or no signature); the validations decide whether they accept that. No signature is checked.';
  return "The token's signature is NOT checked: its claims are evaluated as if APIM had verified the signature with the issuer's keys. A forged token with the same claims would get the same answer here, but not from APIM.";
}

function assumptions(pipeline: EffectivePipeline, facts: AccessFacts): string[] {
  const taken = [
    "The token is sent where each validation reads it: in Authorization as 'Bearer <token>', in another header or a query parameter as the token itself.",
    "Statements that do not decide access or set the backend's credentials or target (rate limits, quotas, transformations, …) are not evaluated.",
  ];
  if (facts.subscriptionRequired === true)
    taken.push(
      `The call carries a valid subscription key${pipeline.productId === null ? "" : ` of product '${pipeline.productId}'`}; without one APIM answers 401 before any policy runs.`,
    );
  if (facts.subscriptionRequired === undefined)
    taken.push(
      "Whether the call needs a subscription key was not given; it is assumed to carry a valid one if it does.",
    );
  return taken;
}

function summary(
  decision: WhatIfOutcome["decision"],
  decidedBy: StatementRef | null,
  outcomes: WhatIfOutcome[],
): string {
  if (decision === "allowed")
    return decidedBy === null
      ? "Allowed: no statement on the request path checks the caller."
      : `Allowed: ${describeStatement(decidedBy)} accepts the token and no check refuses the call.`;
  if (decision === "denied")
    return decidedBy === null
      ? "Denied, by different statements depending on conditions the engine cannot decide."
      : `Denied by ${describeStatement(decidedBy)}.`;
  const kinds = [...new Set(outcomes.map((outcome) => outcome.decision))].join(" or ");
  return `Undetermined: the call is ${kinds}, depending on ${outcomes.flatMap((outcome) => outcome.when).length > 0 ? "what the engine cannot decide (see outcomes)" : "statements the engine cannot see into"}.`;
}
