import type { Prisma } from "../../db";
import { parseStored } from "../../db/parse-stored";
import { stepErrorSchema } from "../schemas";

/** What earlier deployments of the same plan did with one step. */
export interface EarlierAttempt {
  /** The step succeeded before: this deployment skips it, trusting that ETag after a check. */
  succeeded: { deploymentId: string; etagAfter: string | null } | null;
  /** A failed attempt may have reached APIM: a 412 now may be that attempt's own write. */
  mayHaveLanded: boolean;
}

export async function earlierAttempts(
  db: Prisma.TransactionClient,
  planId: string,
  deploymentId: string,
): Promise<Map<number, EarlierAttempt>> {
  const steps = await db.deploymentStep.findMany({
    where: { deployment: { planId, id: { not: deploymentId } }, status: { in: ["succeeded", "failed"] } },
    orderBy: { finishedAt: "asc" },
    select: { deploymentId: true, seq: true, status: true, etagAfter: true, error: true },
  });
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
