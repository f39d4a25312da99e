import { Prisma, type PrismaClient } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
import { acquireApiLock, holdLease, takeApiLockItem, type ApiLease } from "./api-lock";
import { earlierAttemptsOf, type EarlierAttempt, type EarlierStep } from "./earlier-attempts";

export interface Claim {
  lease: ApiLease;
  /** The deployment was queued and is now running: this run carries it out. */
  claimed: boolean;
  /** Other deployments of the API still marked running: left by a crashed instance. */
  stale: string[];
  /** What earlier deployments of the same plan did, by step (see earlier-attempts.ts). */
  earlier: Map<number, EarlierAttempt>;
  /** `firstStep` was marked running with the claim: the run sends its request without marking it. */
  firstStepRunning: boolean;
}

/** The step the run will send first, when nothing needs reading before it (see claimDeployment). */
export interface FirstStep {
  seq: number;
  correlationId: string;
}

/** What a statement that claims returns (claimDeployment's, or claimInQueueSql's claimedColumns). */
export interface ClaimRow {
  taken: boolean;
  claimed: boolean;
  stale: string[];
  earlier: EarlierStep[];
  firstStepRunning: boolean;
}

/**
 * Takes the API's lock and, in the same statement, marks the deployment running if it is still
 * queued, finds the API's other deployments still marked running — holding the lock means none
 * can be, so each was left by an instance that stopped — and reads what earlier deployments of
 * the same plan did (an apply's database work is its cost, see bench/README.md). With
 * `firstStep`, and when there is no such other deployment and no earlier attempt, it also marks
 * that step running (the run would do so next), so that the common apply is one statement here.
 *
 * The statement's snapshot may predate the previous holder's last commit (its insert waited for
 * that holder's release). Every deployment that wrote to the API held the lock and committed
 * its end no later than its release, so then it shows as still running here: a claim that finds
 * one reads the others and the earlier attempts again, after the lock is held, and has not
 * marked the first step. A stale one that finished meanwhile is left as it is, because ending
 * it re-checks its status (finishDeployment).
 *
 * The first step's start is the database's clock when the row is written, not the app's when
 * the statement was built: the statement may wait for the previous holder's release, and a
 * start stamped before that wait would fall inside the previous holder's writing.
 */
export async function claimDeployment(
  db: PrismaClient,
  deployment: { id: string; apiId: string; planId: string },
  holder: string,
  firstStep: FirstStep | null,
): Promise<Claim> {
  const nothing = Prisma.sql`SELECT NULL::int AS seq WHERE FALSE`;
  const { lease, row } = await acquireApiLock<ClaimRow>(
    db,
    deployment.apiId,
    holder,
    () => Prisma.sql`
      claimed AS (
        UPDATE deployments SET status = 'running'
        WHERE id = ${deployment.id}::uuid AND status = 'queued' AND EXISTS (SELECT 1 FROM taken)
        RETURNING id
      ),
      ${claimReads(deployment)},
      first_step AS (${
        firstStep
          ? Prisma.sql`
              UPDATE deployment_steps SET status = 'running', started_at = clock_timestamp(),
                arm_correlation_id = ${firstStep.correlationId}
              WHERE deployment_id = ${deployment.id}::uuid AND seq = ${firstStep.seq}::int
                AND EXISTS (SELECT 1 FROM claimed) AND NOT EXISTS (SELECT 1 FROM stale)
                AND NOT EXISTS (SELECT 1 FROM earlier)
              RETURNING seq`
          : nothing
      })
      SELECT EXISTS (SELECT 1 FROM taken) AS taken, EXISTS (SELECT 1 FROM claimed) AS claimed,
        ${claimedReadsColumns}, EXISTS (SELECT 1 FROM first_step) AS "firstStepRunning"`,
  );
  return claimOf(db, deployment, lease, row);
}

/**
 * The WITH items (each followed by a comma) and the conditions with which the statement that
 * inserts a deployment (queueDeploymentIf) also claims it, so that the common apply sends one
 * statement fewer (bench/README.md, `startclaim`): `taken` takes the API's lock when it is free
 * and `when` holds; `stale` and `earlier` read what claimDeployment reads. The statement writes
 * the deployment running when `claimed` holds (queued otherwise: its run claims it as before), and
 * its first step running when `firstStepRunning` holds — what claimDeployment would have written
 * — and ends with `claimedColumns`: the claim's row but `firstStepRunning`, which the statement
 * knows from the steps it wrote. Its snapshot, too, may predate the
 * previous holder's last commit: claimAtQueue then reads again, as claimDeployment does.
 */
export function claimInQueueSql(
  deployment: { id: string; apiId: string; planId: string },
  holder: string,
  when: Prisma.Sql,
): { items: Prisma.Sql; claimed: Prisma.Sql; firstStepRunning: Prisma.Sql; claimedColumns: Prisma.Sql } {
  const claimed = Prisma.sql`EXISTS (SELECT 1 FROM taken)`;
  const firstStepRunning = Prisma.sql`(${claimed} AND NOT EXISTS (SELECT 1 FROM stale) AND NOT EXISTS (SELECT 1 FROM earlier))`;
  return {
    items: Prisma.sql`${takeApiLockItem(deployment.apiId, holder, when)} ${claimReads(deployment)},`,
    claimed,
    firstStepRunning,
    claimedColumns: Prisma.sql`${claimed} AS taken, ${claimed} AS claimed, ${claimedReadsColumns}`,
  };
}

/**
 * The claim the statement that queued the deployment made (its row: `taken` true), with the
 * lease held from now on — when the run starts, so that a run that never starts lets the lock
 * expire instead of renewing it.
 */
export function claimAtQueue(
  db: PrismaClient,
  deployment: { id: string; apiId: string; planId: string },
  holder: string,
  row: ClaimRow,
): Promise<Claim> {
  return claimOf(db, deployment, holdLease(db, deployment.apiId, holder), row);
}

/** The claim a statement that took the lock returned; the claim's reads made again when it found a deployment still running. */
async function claimOf(
  db: PrismaClient,
  deployment: { id: string; apiId: string; planId: string },
  lease: ApiLease,
  row: ClaimRow,
): Promise<Claim> {
  const claim = { lease, claimed: row.claimed, firstStepRunning: row.firstStepRunning };
  if (row.stale.length === 0) return { ...claim, stale: [], earlier: earlierAttemptsOf(row.earlier) };
  try {
    const [again] = await driverSqlOf(db).query<Pick<ClaimRow, "stale" | "earlier">>(
      Prisma.sql`
      WITH ${claimReads(deployment)}
      SELECT ${claimedReadsColumns}`,
      { prepared: true },
    );
    return { ...claim, stale: again!.stale, earlier: earlierAttemptsOf(again!.earlier) };
  } catch (error) {
    await lease.release();
    throw error;
  }
}

/** WITH items `stale` (the API's other running deployments) and `earlier` (steps earlier deployments of the plan ended). */
function claimReads(deployment: { id: string; apiId: string; planId: string }): Prisma.Sql {
  return Prisma.sql`
    stale AS (
      SELECT id FROM deployments
      WHERE api_id = ${deployment.apiId}::uuid AND status = 'running' AND id <> ${deployment.id}::uuid
    ),
    earlier AS (
      SELECT step.deployment_id, step.seq, step.status, step.etag_after, step.error, step.finished_at
      FROM deployment_steps step JOIN deployments earlier ON earlier.id = step.deployment_id
      WHERE earlier.plan_id = ${deployment.planId}::uuid AND earlier.id <> ${deployment.id}::uuid
        AND step.status IN ('succeeded', 'failed')
    )`;
}

const claimedReadsColumns = Prisma.sql`
  ARRAY(SELECT id::text FROM stale) AS stale,
  COALESCE((
    SELECT jsonb_agg(jsonb_build_object('deploymentId', deployment_id, 'seq', seq, 'status', status,
             'etagAfter', etag_after, 'error', error) ORDER BY finished_at)
    FROM earlier
  ), '[]'::jsonb) AS earlier`;
