import { Prisma, type PrismaClient } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
import { earlierAttemptsOf, type EarlierAttempt, type EarlierStep } from "./earlier-attempts";

export interface Claim {
  /** The deployment was queued and is now running: this run carries it out. */
  claimed: boolean;
  /** Other deployments of the API still marked running: left by a crashed instance. */
  stale: string[];
  /** What earlier deployments of the same plan did, by step (see earlier-attempts.ts). */
  earlier: Map<number, EarlierAttempt>;
}

/**
 * Once the API's lock is held: marks the deployment running if it is still queued, finds the
 * API's other deployments still marked running — holding the lock means none can be, so each
 * was left by an instance that stopped — and reads what earlier deployments of the same plan did.
 * One statement for all three (an apply's database work is its cost, see bench/README.md), run
 * after the lock was taken, so it sees everything the lock's previous holder committed. A stale
 * one that finished meanwhile is left as it is, because ending it re-checks its status
 * (finishDeployment).
 */
export async function claimDeployment(
  db: PrismaClient,
  deployment: { id: string; apiId: string; planId: string },
): Promise<Claim> {
  const [claim] = await driverSqlOf(db).query<{ claimed: boolean; stale: string[]; earlier: EarlierStep[] }>(Prisma.sql`
    WITH claimed AS (
      UPDATE deployments SET status = 'running'
      WHERE id = ${deployment.id}::uuid AND status = 'queued'
      RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
           ARRAY(
             SELECT id::text FROM deployments
             WHERE api_id = ${deployment.apiId}::uuid AND status = 'running' AND id <> ${deployment.id}::uuid
           ) AS stale,
           COALESCE((
             SELECT jsonb_agg(jsonb_build_object('deploymentId', step.deployment_id, 'seq', step.seq,
                      'status', step.status, 'etagAfter', step.etag_after, 'error', step.error)
                    ORDER BY step.finished_at)
             FROM deployment_steps step JOIN deployments earlier ON earlier.id = step.deployment_id
             WHERE earlier.plan_id = ${deployment.planId}::uuid AND earlier.id <> ${deployment.id}::uuid
               AND step.status IN ('succeeded', 'failed')
           ), '[]'::jsonb) AS earlier`);
  return { claimed: claim!.claimed, stale: claim!.stale, earlier: earlierAttemptsOf(claim!.earlier) };
}
