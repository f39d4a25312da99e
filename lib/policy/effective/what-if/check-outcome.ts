/**
 * What one caller check makes of a request: it lets it pass, refuses it with the status and
 * message APIM would answer, or cannot be decided (a value the engine cannot know), with why.
 */
import type { FailureResponse, PolicyValue } from "../effective-pipeline";
import { resolve } from "../policy-value";

/** What APIM answers when a statement refuses a call. */
export interface RefusalResponse {
  /** null when it cannot be known (an expression, an unresolved named value, an undocumented default). */
  status: number | null;
  message: string | null;
  /** Where status and message come from, in words. */
  source: string;
}

export type CheckOutcome =
  | { result: "passed"; notes: string[] }
  | { result: "failed"; reasons: string[]; response: RefusalResponse }
  /** `response`: what APIM answers if the check in fact fails. */
  | { result: "undetermined"; reason: string; response: RefusalResponse };

/** A failure and the message APIM documents for it (null: "<message from jwt library>", not documented). */
export interface Failure {
  reason: string;
  defaultMessage: string | null;
}

export interface Verdicts {
  failures: Failure[];
  undetermined: string[];
  notes: string[];
}

export function newVerdicts(): Verdicts {
  return { failures: [], undetermined: [], notes: [] };
}

/**
 * A determinate failure decides the outcome even when other parts are undetermined: the call is
 * refused either way.
 */
export function outcomeOf(
  verdicts: Verdicts,
  failed: FailureResponse,
  defaults: { status: number | null },
  namedValues: ReadonlyMap<string, string>,
): CheckOutcome {
  const first = verdicts.failures[0];
  if (first !== undefined)
    return {
      result: "failed",
      reasons: verdicts.failures.map((failure) => failure.reason),
      response: refusal(failed, defaults.status, first.defaultMessage, namedValues),
    };
  if (verdicts.undetermined.length > 0)
    return {
      result: "undetermined",
      reason: verdicts.undetermined.join("; "),
      response: refusal(failed, defaults.status, null, namedValues),
    };
  return { result: "passed", notes: verdicts.notes };
}

function refusal(
  failed: FailureResponse,
  defaultStatus: number | null,
  defaultMessage: string | null,
  namedValues: ReadonlyMap<string, string>,
): RefusalResponse {
  const sources: string[] = [];
  let status = defaultStatus;
  if (failed.httpCode === null) {
    sources.push(
      defaultStatus === null ? "the status is not documented" : `the documented default status ${defaultStatus}`,
    );
  } else {
    const code = settingValue(failed.httpCode, namedValues);
    status = code !== undefined && /^\d{3}$/.test(code) ? Number(code) : null;
    sources.push(status === null ? `the status is ${unknown(failed.httpCode)}` : "the status the statement sets");
  }
  let message = defaultMessage;
  if (failed.message === null) {
    sources.push(
      defaultMessage === null
        ? "APIM's own message for this failure, which the documentation does not give"
        : "the message APIM documents for this failure",
    );
  } else {
    message = settingValue(failed.message, namedValues) ?? null;
    sources.push(message === null ? `the message is ${unknown(failed.message)}` : "the message the statement sets");
  }
  return { status, message, source: sources.join("; ") };
}

function settingValue(value: PolicyValue, namedValues: ReadonlyMap<string, string>): string | undefined {
  const resolved = resolve(value, namedValues);
  return resolved.ok ? resolved.value.trim() : undefined;
}

function unknown(value: PolicyValue): string {
  return value.kind === "expression"
    ? "computed by a policy expression"
    : `taken from a named value not given (${value.text})`;
}

/** Parses a Boolean setting: "true"/"false" in any case, as .NET reads them. */
export function booleanSetting(
  value: PolicyValue | null,
  fallback: boolean,
  namedValues: ReadonlyMap<string, string>,
): { ok: true; value: boolean } | { ok: false; reason: string } {
  if (value === null) return { ok: true, value: fallback };
  const resolved = resolve(value, namedValues);
  if (!resolved.ok) return resolved;
  const text = resolved.value.trim().toLowerCase();
  if (text === "true" || text === "false") return { ok: true, value: text === "true" };
  return { ok: false, reason: `'${resolved.value}' is not true or false` };
}
