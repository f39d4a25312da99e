/**
 * check-header: "enforce that a request has a specified HTTP header … optionally check to see if
 * the header has a specific value or one of a range of allowed values. If the check fails, the
 * policy terminates request processing and returns the HTTP status code and error message
 * specified by the policy"; "the check is considered a success if any one of the values is a
 * match"; ignore-case "If set to true, case is ignored when the header value is compared".
 */
import type { HeaderCheck } from "../effective-pipeline";
import { resolve } from "../policy-value";
import { booleanSetting, newVerdicts, outcomeOf, type CheckOutcome } from "./check-outcome";

/**
 * The header's value as the check sees it: a string (with what to show of it: never the caller's
 * token), absent, or unknown (with why).
 */
export type SeenHeader =
  /** `value` undefined: the header is sent, but its exact value is not known (a token given as claims). */
  | { kind: "value"; value: string | undefined; display: string }
  | { kind: "absent" }
  | { kind: "unknown"; reason: string };

export function evaluateCheckHeader(
  check: HeaderCheck,
  seenHeader: (name: string) => SeenHeader,
  namedValues: ReadonlyMap<string, string>,
): CheckOutcome {
  const verdicts = newVerdicts();
  const name = check.name === null ? undefined : resolve(check.name, namedValues);
  if (name === undefined || !name.ok) {
    verdicts.undetermined.push(`the header name is unknown${name === undefined ? "" : `: ${name.reason}`}`);
    return outcomeOf(verdicts, check.failed, { status: null }, namedValues);
  }
  const seen = seenHeader(name.value.trim());
  if (seen.kind === "unknown") verdicts.undetermined.push(seen.reason);
  else if (seen.kind === "absent")
    verdicts.failures.push({
      reason: `the request has no ${name.value} header`,
      defaultMessage: `Header ${name.value} was not found in the request. Access denied.`,
    });
  else if (check.values.length > 0 && seen.value === undefined)
    verdicts.undetermined.push(
      `the exact value of the ${name.value} header is not known (the token was given as claims)`,
    );
  else if (check.values.length > 0 && seen.value !== undefined) {
    const value = seen.value;
    const ignoreCase = booleanSetting(check.ignoreCase, false, namedValues);
    const allowed = check.values.map((value) => resolve(value, namedValues));
    const same = (a: string, b: string) =>
      ignoreCase.ok && ignoreCase.value ? a.toLowerCase() === b.toLowerCase() : a === b;
    const known = allowed.flatMap((value) => (value.ok ? [value.value.trim()] : []));
    if (!ignoreCase.ok || check.ignoreCase === null) {
      if (!known.includes(value)) verdicts.undetermined.push("ignore-case, which APIM requires, is missing or unknown");
    } else if (!known.some((candidate) => same(candidate, value))) {
      if (known.length < allowed.length)
        verdicts.undetermined.push("an allowed value is unknown (an expression or a named value not given)");
      else
        verdicts.failures.push({
          reason: `the ${name.value} header's value is not an allowed value`,
          defaultMessage: `Header ${name.value} value of ${seen.display} is not allowed. Access denied.`,
        });
    }
  }
  // failed-check-httpcode and failed-check-error-message are required: without them the answer is not known.
  return outcomeOf(verdicts, check.failed, { status: null }, namedValues);
}
