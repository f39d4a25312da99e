import type { PrismaClient } from "../db";

/**
 * The lease of the process applying a change set (change_sets.lease_owner / lease_expires_at),
 * like a scheduled job's (lib/scheduler/job-lease.ts): one conditional UPDATE each, so exactly one
 * process applies a set, and a set left by a process that died is taken over once its lease expired.
 */
export const CHANGE_SET_LEASE_MS = 60_000;

/** Claims the set for `owner` while it is applying and its lease is free, expired or already `owner`'s. */
export async function claimChangeSet(
  db: PrismaClient,
  changeSetId: string,
  owner: string,
  now: Date,
): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE change_sets SET lease_owner = ${owner}, lease_expires_at = ${new Date(now.getTime() + CHANGE_SET_LEASE_MS)}
     WHERE id = ${changeSetId}::uuid AND status = 'applying'
       AND (lease_owner = ${owner} OR lease_expires_at IS NULL OR lease_expires_at <= ${now})`;
  return count === 1;
}

/** Keeps the lease while the apply goes on; false when it was lost (expired and taken over). */
export async function extendChangeSetLease(db: PrismaClient, changeSetId: string, owner: string): Promise<boolean> {
  const count = await db.$executeRaw`
    UPDATE change_sets SET lease_expires_at = ${new Date(Date.now() + CHANGE_SET_LEASE_MS)}
     WHERE id = ${changeSetId}::uuid AND lease_owner = ${owner}`;
  return count === 1;
}

/** Change sets being applied that no live process holds: a process stopped while applying them. */
export async function findUnheldChangeSets(db: PrismaClient, now: Date): Promise<string[]> {
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    SELECT id::text FROM change_sets
     WHERE status = 'applying' AND (lease_expires_at IS NULL OR lease_expires_at <= ${now})
     ORDER BY created_at`;
  return rows.map((row) => row.id);
}
