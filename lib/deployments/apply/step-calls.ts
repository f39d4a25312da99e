import type { ArmCallOptions, ArmErrorDetails, ArmResult } from "../../apim";
import { AppError } from "../../errors";

/**
 * The ARM calls of one step: all under the step's correlation id, their request ids collected
 * in order (retries and re-reads included) for the step record.
 */
export interface StepCalls {
  readonly requestIds: string[];
  /** Status of the last response of the last call (null when none arrived). */
  readonly lastStatus: number | null;
  run<T>(call: (options: ArmCallOptions) => Promise<ArmResult<T>>): Promise<T>;
}

export function stepCalls(correlationId: string): StepCalls {
  const requestIds: string[] = [];
  let lastStatus: number | null = null;
  return {
    requestIds,
    get lastStatus() {
      return lastStatus;
    },
    async run(call) {
      try {
        const { value, trace } = await call({ correlationId });
        requestIds.push(...trace.requestIds);
        lastStatus = trace.status;
        return value;
      } catch (error) {
        const details = error instanceof AppError ? (error.details as Partial<ArmErrorDetails>) : {};
        requestIds.push(...(details.requestIds ?? []));
        lastStatus = details.status ?? null;
        throw error;
      }
    },
  };
}
