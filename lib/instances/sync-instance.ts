import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { apimClientForInstance } from "../apim/client-for-instance";
import { findInstanceOrThrow } from "./find-instance";
import { toInstanceView, type InstanceView } from "./schemas";

export interface SyncResult {
  instance: InstanceView;
  added: number;
  updated: number;
  gone: number;
  total: number;
}

/**
 * Discovers the instance's APIs from APIM (all pages) and records them: new APIs appear,
 * renamed ones are updated, and APIs no longer in APIM are marked gone (their history stays).
 * Only current revisions are managed: a policy belongs to the API, not to a revision.
 */
export async function syncInstance(ctx: RequestContext, input: { instanceId: string }): Promise<SyncResult> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const instance = await findInstanceOrThrow(db, input.instanceId);
  const { value: apis, trace } = await apimClientForInstance(instance).listApis({ correlationId: ctx.requestId });
  const current = apis.filter((api) => api.isCurrent && !api.name.includes(";rev="));
  const now = new Date();

  return auditedTransaction(db, async (tx) => {
    const known = new Map(
      (await tx.api.findMany({ where: { instanceId: instance.id } })).map((api) => [api.apimName, api]),
    );
    const added: Prisma.ApiCreateManyInput[] = [];
    let updated = 0;
    for (const api of current) {
      const existing = known.get(api.name);
      const fields = { displayName: api.displayName, path: api.path, serviceUrl: api.serviceUrl };
      if (!existing) {
        added.push({ instanceId: instance.id, apimName: api.name, ...fields });
      } else if (
        existing.goneAt ||
        existing.displayName !== fields.displayName ||
        existing.path !== fields.path ||
        existing.serviceUrl !== fields.serviceUrl
      ) {
        await tx.api.update({ where: { id: existing.id }, data: { ...fields, goneAt: null } });
        updated += 1;
      }
    }
    // New APIs in one statement: the first sync of a large instance adds thousands.
    if (added.length > 0) await tx.api.createMany({ data: added });
    const present = new Set(current.map((api) => api.name));
    const goneIds = [...known.values()].filter((api) => !api.goneAt && !present.has(api.apimName)).map((api) => api.id);
    if (goneIds.length) await tx.api.updateMany({ where: { id: { in: goneIds } }, data: { goneAt: now } });
    const synced = await tx.instance.update({ where: { id: instance.id }, data: { lastSyncedAt: now } });
    const result = { added: added.length, updated, gone: goneIds.length, total: current.length };
    await appendAuditEvent(tx, {
      actor: ctx.actor,
      action: "instance.sync",
      target: { type: "instance", id: instance.id },
      after: result,
      outcome: "success",
      requestId: ctx.requestId,
      armCorrelationId: trace.correlationId,
      clientIp: ctx.clientIp,
    });
    return { instance: toInstanceView(synced), ...result };
  });
}
