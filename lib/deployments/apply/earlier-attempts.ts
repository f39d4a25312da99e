import { parseStored } from "../../db/parse-stored";
import { stepErrorSchema } from "../schemas";

/** What earlier deployments of the same plan did with one step. */
export interface EarlierAttempt {
  /** The step succeeded before: this deployment skips it, trusting that ETag after a check. */
  succeeded: { deploymentId: string; etagAfter: string | null } | null;
  /** A failed attempt may have reached APIM: a 412 now may be that attempt's own write. */
  mayHaveLanded: boolean;
}

/** A step of an earlier deployment of the plan that succeeded or failed, oldest first. */
export interface EarlierStep {
  deploymentId: string;
  seq: number;
  status: string;
  etagAfter: string | null;
  error: unknown;
}

export function earlierAttemptsOf(steps: readonly EarlierStep[]): Map<number, EarlierAttempt> {
  const attempts = new Map<number, EarlierAttempt>();
  for (const step of steps) {
    const attempt = attempts.get(step.seq) ?? { succeeded: null, mayHaveLanded: false };
    if (step.status === "succeeded") attempt.succeeded = { deploymentId: step.deploymentId, etagAfter: step.etagAfter };
    else {
      const record = `step ${step.seq} of deployment ${step.deploymentId}`;
      const error = parseStored(stepErrorSchema.nullable(), step.error, { record, field: "error" });
      if (error?.mayHaveLanded) attempt.mayHaveLanded = true;
    }
    attempts.set(step.seq, attempt);
  }
  return attempts;
}
