/**
 * ip-filter: "If action is set to allow, requests that don't match any address or address-range
 * are denied. If action is set to forbid, requests that don't match any address or address-range
 * are allowed." Messages from the documented predefined errors; the status is not documented.
 */
import type { IpFilterCheck, PolicyValue } from "../effective-pipeline";
import { resolve } from "../policy-value";
import type { CheckOutcome } from "./check-outcome";
import { parseIpAddress, type IpAddress } from "./ip-address";

const STATUS_NOT_DOCUMENTED =
  "the documentation gives no status for ip-filter; the message is its documented predefined error";
const UNKNOWN_REFUSAL = { status: null, message: null, source: "the documentation gives no status for ip-filter" };

export function evaluateIpFilter(
  check: IpFilterCheck,
  callerIp: string | undefined,
  namedValues: ReadonlyMap<string, string>,
): CheckOutcome {
  if (callerIp === undefined)
    return {
      result: "undetermined",
      response: UNKNOWN_REFUSAL,
      reason: "the what-if does not give the caller's IP address",
    };
  const caller = parseIpAddress(callerIp);
  if (caller === undefined)
    return { result: "undetermined", response: UNKNOWN_REFUSAL, reason: `'${callerIp}' is not an IP address` };
  const action = check.action === null ? undefined : resolve(check.action, namedValues);
  if (action === undefined || !action.ok)
    return {
      result: "undetermined",
      response: UNKNOWN_REFUSAL,
      reason: `the action is unknown${action === undefined ? "" : `: ${action.reason}`}`,
    };
  const verb = action.value.trim().toLowerCase();
  if (verb !== "allow" && verb !== "forbid")
    return {
      result: "undetermined",
      response: UNKNOWN_REFUSAL,
      reason: `action '${action.value}' is neither allow nor forbid`,
    };
  const matched = matches(check, caller, namedValues);
  if (matched === undefined)
    return {
      result: "undetermined",
      response: UNKNOWN_REFUSAL,
      reason: "an address of the filter is unknown (an expression or a named value not given)",
    };
  if (verb === "allow")
    return matched
      ? { result: "passed", notes: [] }
      : {
          result: "failed",
          reasons: [`${callerIp} matches no allowed address`],
          response: {
            status: null,
            message: `Caller IP address ${callerIp} is not allowed. Access denied.`,
            source: STATUS_NOT_DOCUMENTED,
          },
        };
  return matched
    ? {
        result: "failed",
        reasons: [`${callerIp} matches a forbidden address`],
        response: {
          status: null,
          message: "Caller IP address is blocked. Access denied.",
          source: STATUS_NOT_DOCUMENTED,
        },
      }
    : { result: "passed", notes: [] };
}

/** true or false, or undefined when no known address matches and some address is unknown. */
function matches(
  check: IpFilterCheck,
  caller: IpAddress,
  namedValues: ReadonlyMap<string, string>,
): boolean | undefined {
  let unknown = false;
  const address = (value: PolicyValue | null): IpAddress | undefined => {
    const resolved = value === null ? undefined : resolve(value, namedValues);
    const parsed = resolved?.ok === true ? parseIpAddress(resolved.value) : undefined;
    if (parsed === undefined) unknown = true;
    return parsed;
  };
  for (const value of check.addresses) {
    const listed = address(value);
    if (listed !== undefined && listed.family === caller.family && listed.value === caller.value) return true;
  }
  for (const range of check.ranges) {
    const from = address(range.from);
    const to = address(range.to);
    if (from === undefined || to === undefined || from.family !== caller.family || to.family !== caller.family)
      continue;
    if (from.value <= caller.value && caller.value <= to.value) return true;
  }
  return unknown ? undefined : false;
}
