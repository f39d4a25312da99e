import { appendAuditEvent, type AuditTx } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import { Prisma } from "../db";

/** Who wrote a value: by object id (null for values written before it was kept) and name. */
export interface VariableWriter {
  oid: string | null;
  name: string;
}

/** A variable's value and who wrote it; `writtenBy` null: a change set gives it, to be written by the set's author. */
export interface WrittenValue {
  value: string;
  writtenBy: VariableWriter | null;
}

/** The variables an environment sets, name → value and who wrote it (approvals refuse the writer of a value a plan brings). */
export async function environmentVariables(
  tx: Prisma.TransactionClient,
  environment: string,
): Promise<Record<string, WrittenValue>> {
  const rows = await tx.environmentVariable.findMany({ where: { environment }, orderBy: { name: "asc" } });
  return Object.fromEntries(
    rows.map((row) => [row.name, { value: row.value, writtenBy: { oid: row.updatedByOid, name: row.updatedBy } }]),
  );
}

/** Name → value alone, as changes are compared and profiles resolved. */
export function plainValues(variables: Readonly<Record<string, WrittenValue>>): Record<string, string> {
  return Object.fromEntries(Object.entries(variables).map(([name, { value }]) => [name, value]));
}

/** One variable whose value changes: null before, not set; null after, removed. */
export interface VariableChange {
  name: string;
  before: string | null;
  after: string | null;
}

/** The variables whose value differs between `before` and `after` (every variable, not a patch), by name. */
export function variableChanges(
  before: Readonly<Record<string, string>>,
  after: Readonly<Record<string, string>>,
): VariableChange[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
    .sort()
    .filter((name) => before[name] !== after[name])
    .map((name) => ({ name, before: before[name] ?? null, after: after[name] ?? null }));
}

/**
 * Holds the environment's variables until the transaction ends: whoever reads them to decide a
 * write (a PUT, a change set's first apply) takes it first, so no write lands between the read
 * and the write. Rows not yet inserted cannot be locked as rows; an advisory lock covers them.
 */
export async function lockEnvironmentVariables(tx: Prisma.TransactionClient, environment: string): Promise<void> {
  await tx.$queryRaw(
    Prisma.sql`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`environment-variables:${environment}`}, 0))) AS held`,
  );
}

/**
 * Writes each change (null after: removes the variable) with its event, recording each changed
 * variable before and after (values are identifiers, never secrets): `environment.variables`
 * (name → value), or, written by a change set's first apply, `change_set.variables` (`{ variables:
 * name → value }` and the set's id and `setHash`, so the set's history lists it). Call it holding
 * lockEnvironmentVariables.
 */
export async function writeVariableChanges(
  tx: AuditTx,
  ctx: RequestContext,
  environment: string,
  changes: readonly VariableChange[],
  changeSet?: { id: string; hash: string },
): Promise<void> {
  if (changes.length === 0) return;
  const removed = changes.filter((change) => change.after === null).map((change) => change.name);
  if (removed.length > 0) await tx.environmentVariable.deleteMany({ where: { environment, name: { in: removed } } });
  for (const { name, after: value } of changes) {
    if (value === null) continue;
    await tx.environmentVariable.upsert({
      where: { environment_name: { environment, name } },
      create: { environment, name, value, updatedBy: ctx.actor.name, updatedByOid: ctx.actor.oid },
      update: { value, updatedBy: ctx.actor.name, updatedByOid: ctx.actor.oid, updatedAt: new Date() },
    });
  }
  const before = Object.fromEntries(changes.map((change) => [change.name, change.before]));
  const after = Object.fromEntries(changes.map((change) => [change.name, change.after]));
  await appendAuditEvent(tx, {
    actor: ctx.actor,
    target: { type: "environment", id: environment },
    ...(changeSet
      ? {
          action: "change_set.variables",
          before: { variables: before },
          after: { variables: after, changeSetId: changeSet.id, setHash: changeSet.hash },
        }
      : { action: "environment.variables", before, after }),
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
}
