import type { QueuedEvent } from "../audit/append-audit-event";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { getConfig } from "../env";
import { AppError } from "../errors";
import { publishEventSql } from "../notifications/publish-event";
import type { PreparedItem } from "./record-change-set";
import type { ChangeSetVariables } from "./schemas";
import {
  approvalEventAddress,
  approverContributorsOfSet,
  asksForApproval,
  changeSetHash,
  changeSetInclude,
  type ChangeSetRecord,
  type ChangeSetRow,
} from "./set-approval";
import { storedSetVariables, variableInstancesOf } from "./set-variables";

/** What of a new set decides which older sets it replaces. */
export interface ReplacingSet {
  items: readonly PreparedItem[];
  variables: ChangeSetVariables | null;
  source: string | null;
}

/**
 * The older sets a new one replaces (README, "Superseding"): those not applied yet (`ready`, no
 * apply ever started) that come from the same profiles-as-code `source`, or whose every API to
 * apply the new set holds (not blocked there: a blocked item does not speak for its API) and
 * whose variables, if any, are of an environment whose variables the new set changes too. A set
 * with nothing to apply and no variables is replaced only by its source. Read with what their
 * approval state and webhooks need.
 */
export async function replacedChangeSets(set: ReplacingSet): Promise<ChangeSetRow[]> {
  const db = getDb();
  const covered = JSON.stringify(set.items.filter((item) => item.status !== "blocked").map((item) => item.apiId));
  const applies = (alias: Prisma.Sql) =>
    Prisma.sql`i.change_set_id = ${alias}.id AND i.status NOT IN ('blocked', 'unchanged')`;
  const found = await db.$queryRaw<Array<{ id: string }>>`
    SELECT cs.id::text AS id FROM change_sets cs
     WHERE cs.status = 'ready' AND cs.apply_started_at IS NULL
       AND ((${set.source}::text IS NOT NULL AND cs.source = ${set.source}::text)
         OR ((cs.variables IS NOT NULL OR EXISTS (SELECT 1 FROM change_set_items i WHERE ${applies(Prisma.sql`cs`)}))
           AND NOT EXISTS (SELECT 1 FROM change_set_items i WHERE ${applies(Prisma.sql`cs`)}
             AND i.api_id NOT IN (SELECT jsonb_array_elements_text(${covered}::jsonb)::uuid))
           AND (cs.variables IS NULL OR cs.variables->>'environment' = ${set.variables?.environment ?? null}::text)))`;
  if (found.length === 0) return [];
  const rows = await db.changeSet.findMany({
    where: { id: { in: found.map((row) => row.id) } },
    include: changeSetInclude,
    orderBy: { createdAt: "asc" },
  });
  return Promise.all(
    rows.map(async (row) => {
      const variables = storedSetVariables(row);
      return {
        ...row,
        variableInstances: variables ? await variableInstancesOf(db, variables.environment) : [],
        approverContributors: await approverContributorsOfSet(db, row),
      };
    }),
  );
}

/**
 * `statements`: the WITH items (each followed by a comma) that mark `replaced` superseded by the set `by` (conditionally: one whose apply
 * started meanwhile keeps its course), and for each one marked its `change_set.superseded` event
 * and, when it needs approval, one `approval.superseded` webhook event to the webhooks its approval
 * request went to (every instance it changes): an approver told to look at it is told it is gone.
 * `done`: the statement's final SELECT, answering the ids it superseded (`ids`, JSON text; null: none).
 */
export function supersedeSql(
  ctx: RequestContext,
  replaced: readonly ChangeSetRow[],
  by: { id: string; title: string; createdAt: Date },
): { statements: Prisma.Sql; events: QueuedEvent[]; done: Prisma.Sql } {
  if (replaced.length === 0) return { statements: Prisma.empty, events: [], done: Prisma.sql`SELECT NULL AS ids` };
  const ids = JSON.stringify(replaced.map((set) => set.id));
  const marked = Prisma.sql`superseded AS (
    UPDATE change_sets SET status = 'superseded', superseded_by = ${by.id}::uuid,
      superseded_at = ${by.createdAt.toISOString()}::timestamptz
     WHERE id IN (SELECT jsonb_array_elements_text(${ids}::jsonb)::uuid) AND status = 'ready' AND apply_started_at IS NULL
    RETURNING id
  )`;
  const base = getConfig().appUrl;
  const statements: Prisma.Sql[] = [marked];
  const events = replaced.map((set, index): QueuedEvent => {
    const when = Prisma.sql`EXISTS (SELECT 1 FROM superseded WHERE id = ${set.id}::uuid)`;
    const setHash = changeSetHash(set.items, storedSetVariables(set));
    if (asksForApproval(set))
      statements.push(
        publishEventSql(
          {
            type: "approval.superseded",
            ...approvalEventAddress(set),
            data: {
              changeSetId: set.id,
              setHash,
              title: set.title,
              supersededBy: { changeSetId: by.id, title: by.title, link: `${base}/change-sets/${by.id}` },
              link: `${base}/change-sets/${set.id}`,
              summary: `Change set "${set.title}" no longer needs approval: ${ctx.actor.name}'s change set "${by.title}" replaced it: ${base}/change-sets/${by.id}`,
            },
          },
          { name: `superseded_published_${index}`, when },
        ),
      );
    return {
      event: {
        actor: ctx.actor,
        action: "change_set.superseded",
        target: { type: "change_set", id: set.id },
        after: { setHash, supersededBy: by.id, title: set.title },
        outcome: "success",
        requestId: ctx.requestId,
        clientIp: ctx.clientIp,
      },
      when,
    };
  });
  return {
    statements: Prisma.sql`${Prisma.join(statements, ",\n")},`,
    events,
    done: Prisma.sql`SELECT (SELECT jsonb_agg(id)::text FROM superseded) AS ids`,
  };
}

/**
 * Refuses to decide on or apply a superseded set (409 `superseded`), naming the set that replaced
 * it: that one holds what the APIs should be now.
 */
export function assertNotSuperseded(set: Pick<ChangeSetRecord, "status" | "supersededBy">, doing: string): void {
  if (set.status !== "superseded" || !set.supersededBy) return;
  const { id, title } = set.supersededBy;
  throw new AppError(
    "superseded",
    `This change set was superseded by change set "${title}" (${id}) before it was applied, so it cannot be ${doing}: review that one instead.`,
    { details: { supersededBy: { id, title } } },
  );
}
