import { randomUUID } from "node:crypto";
import { auditedStatement, type QueuedEvent } from "../audit/append-audit-event";
import type { AuditInput } from "../audit/audit-input";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { insertPlansSql, type PreparedPlan } from "../deployments/create-plan";
import { getConfig } from "../env";
import {
  followedSql,
  savedVersionsSql,
  type FollowingChange,
  type PreparedProfileVersion,
} from "../profiles/save-access-profile";
import { publishEventSql } from "../notifications/publish-event";
import type { ChangeSetChange } from "./change-schema";
import { toChangeSetView } from "./change-set-view";
import type { ApiWithProfile } from "./create-change-set";
import type { ChangeSetView, FollowingChangeView, ItemStatus } from "./schemas";
import { storedSetVariables, type SetVariables } from "./set-variables";
import { replacedChangeSets, supersedeSql } from "./supersede-change-sets";
import {
  applicable,
  approvalEventAddress,
  asksForApproval,
  changeSetApprovalSettings,
  changeSetHash,
  type ChangeSetRow,
} from "./set-approval";

export interface PreparedItem {
  apiId: string;
  status: ItemStatus;
  summary: string;
  blocking: Array<{ code: string; message: string }>;
  planId: string | null;
  planHash: string | null;
  /** What the set changes in the template the API follows (null: nothing), stored with the item. */
  following: FollowingChangeView | null;
}

/**
 * A set as made: its APIs (as read), an item for each, the plans of those planned, and the
 * environment variables it changes (null: none).
 */
export interface MadeChangeSet {
  title: string;
  change: ChangeSetChange;
  apis: ReadonlyMap<string, ApiWithProfile>;
  items: readonly PreparedItem[];
  plans: readonly PreparedPlan[];
  variables: SetVariables | null;
  /** Events of the use case making the set, about the set (applyTemplate's), stored with it. */
  events?: SetEvents;
  /** Where a profiles-as-code set came from (`portcullis plan --dir`): a newer set from it supersedes this one. */
  source?: string | null;
  /** What the set's APIs follow from now on (their versions stored): written with the set, or not at all. */
  following?: readonly FollowingChange[];
  /**
   * The new profile versions its plans plan (each with its `profile.save` event): stored with the
   * set, or not at all. A version whose number another save took fails the whole statement
   * (`isVersionTaken`): the maker blocks its API as stale and records the set again.
   */
  versions?: readonly PreparedProfileVersion[];
}

/** Audit events naming the set (its id is chosen when it is stored), stored in the set's statement. */
export type SetEvents = (changeSetId: string) => readonly AuditInput[];

/**
 * Stores the new profile versions (`made.versions`, with their `profile.save` events), the set,
 * its items, their plans, what its APIs follow from now on (`made.following`, with their
 * `api.template.follow|unfollow` events) and the events (`plan.create` of each plan,
 * `change_set.create`, the maker's `made.events`, and the set's approval request) in one
 * statement: all of it or nothing. The same statement supersedes the older sets not yet applied
 * that this one replaces (supersede-change-sets.ts), so a set never waits beside its replacement.
 * Every value is chosen here, so the view is made without reading anything back.
 */
export async function recordChangeSet(ctx: RequestContext, made: MadeChangeSet): Promise<ChangeSetView> {
  const { title, change, items, plans, events } = made;
  const variables = made.variables?.stored ?? null;
  const row = changeSetRow(ctx, made);
  const replaced = await replacedChangeSets({ items, variables, source: row.source });
  const supersede = supersedeSql(ctx, replaced, row);
  const followed = followedSql((made.following ?? []).map((change) => ({ ...change, versionId: null })));
  const saved = made.versions?.length ? savedVersionsSql(made.versions, "refuse") : null;
  const hash = changeSetHash(items, variables);
  const counts: Record<string, number> = {};
  for (const item of items) counts[item.status] = (counts[item.status] ?? 0) + 1;
  const created: QueuedEvent = {
    event: {
      actor: ctx.actor,
      action: "change_set.create",
      target: { type: "change_set", id: row.id },
      after: {
        setHash: hash,
        title,
        change,
        ...(variables ? { variables } : {}),
        apis: items.length,
        counts,
        plans: items.flatMap((item) =>
          item.planId ? [{ apiId: item.apiId, planId: item.planId, planHash: item.planHash }] : [],
        ),
      },
      outcome: "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    },
  };
  const approval = approvalRequest(ctx, row, hash);
  const itemRows = JSON.stringify(items.map((item, position) => ({ ...item, position })));
  const [superseded] = await auditedStatement<{ ids: string | null }>(
    getDb(),
    (queue) => Prisma.sql`
      WITH ${saved ? Prisma.sql`${saved.item},` : Prisma.empty}
      ${plans.length > 0 ? Prisma.sql`${insertPlansSql(plans)},` : Prisma.empty}
      set_created AS (
        INSERT INTO change_sets (id, title, change, variables, status, created_at, created_by, created_by_oid, source)
        VALUES (${row.id}::uuid, ${title}, ${JSON.stringify(change)}::jsonb,
          ${variables ? JSON.stringify(variables) : null}::jsonb, 'ready',
          ${row.createdAt.toISOString()}::timestamptz, ${row.createdBy}, ${row.createdByOid}, ${row.source})
        RETURNING id
      ),
      items_created AS (
        INSERT INTO change_set_items (change_set_id, api_id, position, plan_id, plan_hash, status, summary, blocking,
          following)
        SELECT set_created.id, "apiId", position, "planId", "planHash", status, summary, blocking, following
          FROM set_created, jsonb_to_recordset(${itemRows}::jsonb) AS i("apiId" uuid, position int, "planId" uuid,
            "planHash" text, status text, summary text, blocking jsonb, following jsonb)
      ),
      ${approval ? Prisma.sql`${approval.announced},` : Prisma.empty}
      ${followed.item},
      ${supersede.statements}
      ${queue([
        ...(saved?.events ?? []),
        ...plans.flatMap((plan) => plan.events),
        created,
        ...(events?.(row.id) ?? []).map((event) => ({ event })),
        ...(approval ? [approval.event] : []),
        ...followed.events,
        ...supersede.events,
      ])}
      ${supersede.done}`,
  );
  const done = new Set(JSON.parse(superseded?.ids ?? "[]") as string[]);
  return toChangeSetView({
    ...row,
    supersedes: replaced.filter((set) => done.has(set.id)).map(({ id, title }) => ({ id, title })),
  });
}

/** The set's row as stored (with what its view includes), made from what the set already holds. */
function changeSetRow(
  ctx: RequestContext,
  { title, change, apis, items, plans, variables, source = null }: MadeChangeSet,
): ChangeSetRow {
  const id = randomUUID();
  const versionOf = new Map(plans.map((plan) => [plan.row.id, plan.profileVersion]));
  return {
    id,
    title,
    // As the database returns it (JSON round trip).
    change: JSON.parse(JSON.stringify(change)) as Prisma.JsonValue,
    variables: variables ? (JSON.parse(JSON.stringify(variables.stored)) as Prisma.JsonValue) : null,
    variableInstances: variables?.instances ?? [],
    status: "ready",
    createdAt: new Date(),
    createdBy: ctx.actor.name,
    createdByOid: ctx.actor.oid,
    applyStartedAt: null,
    applyStartedBy: null,
    cancelRequestedAt: null,
    finishedAt: null,
    leaseOwner: null,
    leaseExpiresAt: null,
    source,
    supersededById: null,
    supersededAt: null,
    supersededBy: null,
    supersedes: [],
    approvals: [],
    // No approvals yet: none to judge by who wrote what its plans bring.
    approverContributors: [],
    items: items.map((item, position) => {
      const api = apis.get(item.apiId)!;
      const { environment, approvalsRequired, automationApprovers, approvalLifetimeHours, name } = api.instance;
      return {
        ...item,
        changeSetId: id,
        position,
        deploymentId: null,
        error: null,
        startedAt: null,
        finishedAt: null,
        api: {
          apimName: api.apimName,
          displayName: api.displayName,
          instanceId: api.instanceId,
          instance: { environment, approvalsRequired, automationApprovers, approvalLifetimeHours, name },
        },
        plan: item.planId ? { profileVersion: { version: versionOf.get(item.planId)! } } : null,
      };
    }),
  };
}

/**
 * A set that needs approval asks for it once, for all its plans (none of which asks on its own):
 * `approval.request` audited with the set hash, and one `approval.requested` event with the set's
 * link to the webhooks of every instance it changes (and the global ones).
 */
function approvalRequest(
  ctx: RequestContext,
  set: ChangeSetRow,
  setHash: string,
): { event: QueuedEvent; announced: Prisma.Sql } | null {
  if (!asksForApproval(set)) return null;
  const required = changeSetApprovalSettings(set).approvalsRequired;
  const applied = set.items.filter(applicable);
  const address = approvalEventAddress(set);
  const changed = storedSetVariables(set)?.changes.length ?? 0;
  const apis = `${applied.length} API${applied.length === 1 ? "" : "s"}${changed > 0 ? `, ${changed} variable${changed === 1 ? "" : "s"}` : ""}`;
  const link = `${getConfig().appUrl}/change-sets/${set.id}`;
  return {
    event: {
      event: {
        actor: ctx.actor,
        action: "approval.request",
        target: { type: "change_set", id: set.id },
        after: { setHash, instanceIds: address.alsoForInstanceIds, apis: applied.length, approvalsRequired: required },
        outcome: "success",
        requestId: ctx.requestId,
        clientIp: ctx.clientIp,
      },
    },
    announced: publishEventSql({
      type: "approval.requested",
      ...address,
      data: {
        changeSetId: set.id,
        setHash,
        title: set.title,
        apis: applied.length,
        approvalsRequired: required,
        requestedBy: ctx.actor.name,
        link,
        summary: `${ctx.actor.name} asks for ${required} approval${required === 1 ? "" : "s"} of change set "${set.title}" (${apis}): ${link}`,
      },
    }),
  };
}
