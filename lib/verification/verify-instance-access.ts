import { recordAuditEvent } from "../audit/append-audit-event";
import { limitConcurrency } from "../apim";
import { apimClientForInstance } from "../apim/client-for-instance";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { AccessProfile } from "../policy";
import { storedProfile } from "../profiles/stored-profile";
import { AppError } from "../errors";
import { findInstanceOrThrow } from "../instances/find-instance";
import { getVerificationBatch } from "./get-verification-batch";
import type { VerificationBatchView } from "./schemas";
import { serviceReads } from "./service-reads";
import { probeApi, recordVerification } from "./verify-api-access";

export const DEFAULT_VERIFY_CONCURRENCY = 4;

/**
 * "Verify all": a batch that verifies every API of the instance that is in APIM, at most
 * `concurrency` at a time (the per-gateway probe budget still applies). Answers the batch at once;
 * `run` does the work (after the response), each API's verification stored as it finishes.
 */
export async function startInstanceVerification(
  ctx: RequestContext,
  input: { instanceId: string; concurrency?: number },
): Promise<{ batch: VerificationBatchView; run: () => Promise<VerificationBatchView> }> {
  await authorize(ctx, "config.write");
  const concurrency = input.concurrency ?? DEFAULT_VERIFY_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    throw new AppError("bad_request", "The concurrency must be a whole number from 1 to 16.", {
      fields: [{ path: "concurrency", message: "must be 1 to 16" }],
    });
  const db = getDb();
  const instance = await findInstanceOrThrow(db, input.instanceId);
  const apis = await db.api.findMany({
    where: { instanceId: instance.id, goneAt: null },
    orderBy: { apimName: "asc" },
    select: { id: true, apimName: true },
  });
  const created = await db.verificationBatch.create({
    data: {
      instanceId: instance.id,
      total: apis.length,
      concurrency,
      startedBy: ctx.actor.name,
      requestId: ctx.requestId,
    },
  });
  await recordAuditEvent(db, {
    actor: ctx.actor,
    action: "verification.batch.start",
    target: { type: "instance", id: instance.id },
    after: { batchId: created.id, apis: apis.length, concurrency },
    outcome: "success",
    requestId: ctx.requestId,
    clientIp: ctx.clientIp,
  });
  const batch = await getVerificationBatch(ctx, { instanceId: instance.id, batchId: created.id });
  const run = async () => {
    const limit = limitConcurrency(concurrency);
    // Named values, backends, subscriptions and keys are the service's: read once for the batch.
    const reads = serviceReads(apimClientForInstance(instance), { correlationId: ctx.requestId });
    const profiles = await latestProfiles(apis.map((api) => api.id));
    // The concurrency bounds the APIs being probed; each is stored once probed, outside its slot.
    await Promise.all(
      apis.map(async (api) => {
        const verified = { ...api, instance };
        const probed = await limit(() => probeApi(ctx, verified, { profile: profiles.get(api.id) ?? null, reads }));
        await recordVerification(ctx, verified, probed, { batchId: created.id });
      }),
    );
    await db.verificationBatch.update({ where: { id: created.id }, data: { finishedAt: new Date() } });
    const finished = await getVerificationBatch(ctx, { instanceId: instance.id, batchId: created.id });
    await recordAuditEvent(db, {
      actor: ctx.actor,
      action: "verification.batch.finish",
      target: { type: "instance", id: instance.id },
      after: { batchId: created.id, total: finished.total, counts: finished.counts },
      outcome: finished.counts.failed + finished.counts.error > 0 ? "failure" : "success",
      requestId: ctx.requestId,
      clientIp: ctx.clientIp,
    });
    return finished;
  };
  return { batch, run };
}

/** The current profile of each API, in one query. */
async function latestProfiles(apiIds: string[]): Promise<Map<string, AccessProfile>> {
  const versions = await getDb().accessProfileVersion.findMany({
    where: { apiId: { in: apiIds } },
    orderBy: [{ apiId: "asc" }, { version: "desc" }],
    distinct: ["apiId"],
  });
  return new Map(versions.map((version) => [version.apiId, storedProfile(version)]));
}
