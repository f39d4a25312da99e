import { toAppError } from "../errors/map-arm-error";
import { newArmCallState, traceOf, type ArmCallOptions, type ArmCallState, type ArmResult } from "./arm-call";

/**
 * Runs one client operation as one ARM call: its own correlation id, deadline and retry
 * budget for every request it sends, its trace on success, and an AppError on failure.
 * `what` names the target in error messages, e.g. "policy of API 'openai'".
 */
export async function runArmCall<T>(
  options: ArmCallOptions,
  defaultTimeoutMs: number,
  what: string,
  operation: (call: ArmCallState) => Promise<T>,
): Promise<ArmResult<T>> {
  const { call, end } = newArmCallState(options, defaultTimeoutMs);
  try {
    const value = await operation(call);
    return { value, trace: traceOf(call) };
  } catch (error) {
    throw toAppError(error, call, what);
  } finally {
    end();
  }
}
