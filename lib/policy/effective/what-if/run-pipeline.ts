/**
 * Runs the request path of an effective pipeline (inbound, then backend, until forward-request)
 * for one token. Where a condition or a check cannot be decided, the run follows every way it
 * could go, and each path ends allowed, denied by a statement, or undetermined at a statement the
 * engine cannot see into. Statements that do not bear on access or on the backend call are
 * skipped, so adding them never changes a decision.
 */
import type { AccessFacts } from "../effective-input";
import {
  describeStatement,
  statementRef,
  type Condition,
  type EffectivePipeline,
  type PipelineStatement,
  type PolicyValue,
  type StatementRef,
} from "../effective-pipeline";
import { resolve } from "../policy-value";
import type { CheckOutcome, RefusalResponse } from "./check-outcome";
import { evaluateCheckHeader, type SeenHeader } from "./evaluate-check-header";
import { evaluateEntraToken } from "./evaluate-entra-token";
import { evaluateIpFilter } from "./evaluate-ip-filter";
import { evaluateJwt } from "./evaluate-jwt";
import { readTokenSource } from "./read-token-source";
import { applyStatement, INITIAL_REQUEST, requestKey, type CallerHeaders, type RequestState } from "./request-state";
import type { TokenUnderTest } from "./token-input";

export interface RunContext {
  token: TokenUnderTest;
  at: number;
  callerIp: string | undefined;
  /** Headers the caller sends besides the token, by lower-case name. */
  headers: ReadonlyMap<string, string>;
  /** Headers validations read the token from (lower case): the caller sends the token there. */
  tokenHeaders: () => ReadonlySet<string>;
  namedValues: ReadonlyMap<string, string>;
  facts: AccessFacts;
}

/** A check the run evaluated, with its result. */
export interface CheckStep {
  statement: StatementRef;
  result: "passed" | "failed" | "undetermined";
  /** Why it failed or is undetermined, or notes (such as the unchecked signature) when it passed. */
  details: string[];
}

/** A condition or check the run could not decide, and which way this path took it. */
export interface Assumption {
  statement: StatementRef;
  assumed: string;
  reason: string;
}

/** The undecided things a path went through, newest first, shared between the paths that fork from it. */
export interface Assumptions {
  latest: Assumption;
  earlier: Assumptions | null;
  count: number;
}

export interface Path {
  request: RequestState;
  lastPassed: StatementRef | null;
  steps: CheckStep[];
  assumptions: Assumptions | null;
}

function assuming(assumptions: Assumptions | null, latest: Assumption): Assumptions {
  return { latest, earlier: assumptions, count: (assumptions?.count ?? 0) + 1 };
}

export type PathEnd =
  | { decision: "allowed"; path: Path; forwarded: boolean }
  | { decision: "denied"; path: Path; by: StatementRef; response: RefusalResponse; reasons: string[] }
  | { decision: "undetermined"; path: Path; by: StatementRef; reason: string };

/** Beyond this many open paths the run stops following them (each further one is undetermined). */
const MAX_PATHS = 256;

export function runRequestPath(pipeline: EffectivePipeline, context: RunContext): PathEnd[] {
  const ends: PathEnd[] = [];
  let paths: Path[] = [{ request: INITIAL_REQUEST, lastPassed: null, steps: [], assumptions: null }];
  for (const section of ["inbound", "backend"] as const)
    paths = run(pipeline.sections[section].statements, paths, context, ends);
  for (const path of paths) ends.push({ decision: "allowed", path, forwarded: false });
  return ends;
}

function run(statements: readonly PipelineStatement[], start: Path[], context: RunContext, ends: PathEnd[]): Path[] {
  let paths = start;
  for (const statement of statements) {
    if (paths.length === 0) break;
    if (!bearsOnAccess(statement)) continue;
    const next: Path[] = [];
    for (const path of paths) next.push(...step(statement, path, context, ends));
    // Paths only multiply where a statement forks them; merging there keeps their number bounded.
    paths = next.length > paths.length ? distinct(next) : next;
    if (paths.length > MAX_PATHS) {
      for (const path of paths)
        ends.push({
          decision: "undetermined",
          path,
          by: statementRef(statement),
          reason: `more than ${MAX_PATHS} undecided ways through the pipeline`,
        });
      return [];
    }
  }
  return paths;
}

function step(statement: PipelineStatement, path: Path, context: RunContext, ends: PathEnd[]): Path[] {
  const by = statementRef(statement);
  switch (statement.role) {
    case "caller-check": {
      const outcome = evaluateCheck(statement, path.request, context);
      if (outcome.result === "passed")
        return [
          {
            ...path,
            lastPassed: by,
            steps: [...path.steps, { statement: by, result: "passed", details: outcome.notes }],
          },
        ];
      if (outcome.result === "failed") {
        const failed = {
          ...path,
          steps: [...path.steps, { statement: by, result: "failed" as const, details: outcome.reasons }],
        };
        ends.push({ decision: "denied", path: failed, by, response: outcome.response, reasons: outcome.reasons });
        return [];
      }
      const undecided = {
        ...path,
        steps: [...path.steps, { statement: by, result: "undetermined" as const, details: [outcome.reason] }],
      };
      const assume = (assumed: string) =>
        assuming(path.assumptions, { statement: by, assumed, reason: outcome.reason });
      ends.push({
        decision: "denied",
        path: { ...undecided, assumptions: assume("fails") },
        by,
        response: outcome.response,
        reasons: [outcome.reason],
      });
      return [{ ...undecided, lastPassed: by, assumptions: assume("passes") }];
    }
    case "answer": {
      const status = statement.status === null ? undefined : resolve(statement.status, context.namedValues);
      const code = status?.ok === true && /^\d{3}$/.test(status.value.trim()) ? Number(status.value.trim()) : null;
      ends.push({
        decision: "denied",
        path,
        by,
        response: {
          status: code,
          message: null,
          source: `${describeStatement(statement)} answers the caller itself${code === null ? "; its status is not known" : ""}`,
        },
        reasons: [`${describeStatement(statement)} answers the call without calling the backend`],
      });
      return [];
    }
    case "forward":
      ends.push({ decision: "allowed", path, forwarded: true });
      return [];
    case "choose":
      return choose(statement, path, context, ends);
    case "container":
      return run(statement.statements, [path], context, ends);
    case "undetermined":
      ends.push({ decision: "undetermined", path, by, reason: statement.reason });
      return [];
    default:
      return [
        { ...path, request: applyStatement(path.request, statement, context.namedValues, callerHeaders(context)) },
      ];
  }
}

/**
 * "Conditions in <when/> elements are evaluated in order of their appearance within the policy.
 * Policy statement(s) enclosed within the first <when/> element with condition attribute equals
 * true will be applied. Policies enclosed within the <otherwise/> element, if present, will be
 * applied if all of the <when/> element condition attributes are false."
 */
function choose(
  statement: Extract<PipelineStatement, { role: "choose" }>,
  path: Path,
  context: RunContext,
  ends: PathEnd[],
): Path[] {
  const results: Path[] = [];
  let remaining: Path | undefined = path;
  for (const branch of statement.branches) {
    if (remaining === undefined) break;
    if (branch.condition === null) {
      results.push(...run(branch.statements, [remaining], context, ends));
      remaining = undefined;
      break;
    }
    const value = conditionValue(branch.condition, context.namedValues);
    if (value === true) {
      results.push(...run(branch.statements, [remaining], context, ends));
      remaining = undefined;
    } else if (value !== false) {
      const at = {
        element: "when",
        scope: statement.scope,
        line: branch.condition.line,
        column: branch.condition.column,
        ...(statement.fragment === undefined ? {} : { fragment: statement.fragment }),
      };
      const assume = (current: Path, assumed: string): Path => ({
        ...current,
        assumptions: assuming(current.assumptions, { statement: at, assumed, reason: value }),
      });
      results.push(...run(branch.statements, [assume(remaining, "holds")], context, ends));
      remaining = assume(remaining, "does not hold");
    }
  }
  if (remaining !== undefined) results.push(remaining);
  return results;
}

/** A Boolean constant (or a named value holding one) decides; anything else is the reason it cannot. */
function conditionValue(condition: Condition, namedValues: ReadonlyMap<string, string>): boolean | string {
  const resolved = resolve(condition, namedValues);
  if (!resolved.ok) return resolved.reason;
  const text = resolved.value.trim().toLowerCase();
  if (text === "true" || text === "false") return text === "true";
  return `the condition '${resolved.value}' is not a Boolean constant`;
}

function evaluateCheck(
  statement: Extract<PipelineStatement, { role: "caller-check" }>,
  request: RequestState,
  context: RunContext,
): CheckOutcome {
  const { token, at, namedValues } = context;
  const check = statement.check;
  switch (check.kind) {
    case "validate-azure-ad-token":
      return evaluateEntraToken(check, readTokenSource(check.source, request, namedValues), {
        token,
        at,
        namedValues,
        entraAuthorityHost: context.facts.entraAuthorityHost,
      });
    case "validate-jwt":
      return evaluateJwt(check, readTokenSource(check.source, request, namedValues), {
        token,
        at,
        namedValues,
        openIdConfigurations: context.facts.openIdConfigurations,
      });
    case "check-header":
      return evaluateCheckHeader(check, (name) => seenHeader(name, request, context), namedValues);
    case "ip-filter":
      return evaluateIpFilter(check, context.callerIp, namedValues);
    case "validate-client-certificate":
      return {
        result: "undetermined",
        reason: "validating the caller's client certificate needs a certificate, which the what-if does not take",
        response: { status: null, message: null, source: "validate-client-certificate's refusal is not evaluated" },
      };
  }
}

function callerHeaders(context: RunContext): CallerHeaders {
  return (name) =>
    name === "authorization" || context.tokenHeaders().has(name) || context.headers.has(name) ? true : undefined;
}

/** A request header as a check-header sees it. */
function seenHeader(name: string, request: RequestState, context: RunContext): SeenHeader {
  const header = name.toLowerCase();
  const changed = request.headers[header];
  if (changed !== undefined) {
    if (changed.kind === "deleted") return { kind: "absent" };
    if (changed.kind === "set" && changed.values.length === 1) {
      const value = resolve(changed.values[0] as PolicyValue, context.namedValues);
      if (value.ok) return { kind: "value", value: value.value, display: "(the value the policy sets)" };
    }
    return {
      kind: "unknown",
      reason: `${describeStatement(changed.by)} changed the ${name} header to a value the engine does not know`,
    };
  }
  if (request.anyHeader !== null)
    return { kind: "unknown", reason: `${describeStatement(request.anyHeader)} sets a header whose name is computed` };
  if (context.headers.has(header))
    return { kind: "value", value: context.headers.get(header), display: "(the value the request sends)" };
  if (header === "authorization")
    return {
      kind: "value",
      value: context.token.raw === undefined ? undefined : `Bearer ${context.token.raw}`,
      display: "Bearer (the caller's token)",
    };
  if (context.tokenHeaders().has(header))
    return { kind: "value", value: context.token.raw, display: "(the caller's token)" };
  return { kind: "unknown", reason: `the what-if request does not say whether it sends a ${name} header` };
}

/** Whether a statement can change a decision or the backend call (everything else is skipped). */
function bearsOnAccess(statement: PipelineStatement): boolean {
  switch (statement.role) {
    case "other":
      return false;
    case "choose":
      return statement.branches.some((branch) => branch.statements.some(bearsOnAccess));
    case "container":
      return statement.statements.some(bearsOnAccess);
    default:
      return true;
  }
}

/**
 * Paths that left the request in the same state after the same last check continue as one (the
 * first one's undecided conditions stand for how it got there).
 */
function distinct(paths: Path[]): Path[] {
  if (paths.length < 2) return paths;
  const byKey = new Map<string, Path>();
  for (const path of paths) {
    const key = `${requestKey(path.request)}|${JSON.stringify(path.lastPassed)}`;
    if (!byKey.has(key)) byKey.set(key, path);
  }
  return [...byKey.values()];
}
