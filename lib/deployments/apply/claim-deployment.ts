import type { PrismaClient } from "../../db";

export interface Claim {
  /** The deployment was queued and is now running: this run carries it out. */
  claimed: boolean;
  /** Other deployments of the API still marked running: left by a crashed instance. */
  stale: string[];
}

/**
 * Once the API's lock is held: marks the deployment running if it is still queued, and finds the
 * API's other deployments still marked running — holding the lock means none can be, so each
 * was left by an instance that stopped. One statement for both (an apply's database work is its
 * cost, see bench/README.md). Both answers come from one snapshot; a stale one that finished
 * meanwhile is left as it is, because ending it re-checks its status (finishDeployment).
 */
export async function claimDeployment(db: PrismaClient, deployment: { id: string; apiId: string }): Promise<Claim> {
  const [claim] = await db.$queryRaw<Claim[]>`
    WITH claimed AS (
      UPDATE deployments SET status = 'running'
      WHERE id = ${deployment.id}::uuid AND status = 'queued'
      RETURNING id
    )
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
           ARRAY(
             SELECT id::text FROM deployments
             WHERE api_id = ${deployment.apiId}::uuid AND status = 'running' AND id <> ${deployment.id}::uuid
           ) AS stale`;
  return claim!;
}
