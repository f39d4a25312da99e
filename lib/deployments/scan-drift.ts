import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { findInstanceOrThrow } from "../instances/find-instance";
import { StoredDataError } from "../db/parse-stored";
import { checkDrift, notDeployedReport, unreadableBaselineReport } from "./drift/check-drift";
import { driftReader } from "./drift/drift-reader";
import { findLastAppliedOfEach } from "./last-applied";
import type { DriftScan } from "./schemas";

export const DEFAULT_SCAN_CONCURRENCY = 16;

/**
 * Drift of every API of an instance (the console's overview). At most `concurrency` ARM calls
 * are in flight at once, and an entity several APIs share is read once for the whole scan.
 */
export async function scanDrift(
  ctx: RequestContext,
  input: { instanceId: string; concurrency?: number },
): Promise<DriftScan> {
  await authorize(ctx, "config.read");
  const concurrency = input.concurrency ?? DEFAULT_SCAN_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new AppError("bad_request", "The concurrency must be a whole number from 1 to 64.", {
      fields: [{ path: "concurrency", message: "must be 1 to 64" }],
    });
  }
  const db = getDb();
  const instance = await findInstanceOrThrow(db, input.instanceId);
  const apis = await db.api.findMany({
    where: { instanceId: instance.id, goneAt: null },
    orderBy: { apimName: "asc" },
    select: {
      id: true,
      apimName: true,
      displayName: true,
      _count: { select: { deployments: { where: { status: "succeeded" } } } },
    },
  });
  const reader = driftReader(apimClientForInstance(instance), { concurrency, correlationId: ctx.requestId });
  // Every deployed API's check starts with its policy's ETag: ask for them all now, so the ARM
  // round trips run while the baselines are read from the database, not after. (The reader reads
  // each once; checkDrift awaits the same answer, failures included, and reports them.)
  const deployed = apis.filter((api) => api._count.deployments > 0);
  for (const api of deployed) reader.policyEtag(api.apimName).catch(() => undefined);
  const applied = await findLastAppliedOfEach(
    db,
    deployed.map((api) => api.id),
  );
  const reports = await Promise.all(
    apis.map((api) => {
      const baseline = applied.get(api.id);
      if (baseline instanceof StoredDataError) return unreadableBaselineReport(api, baseline);
      return baseline ? checkDrift(reader, api, baseline) : notDeployedReport(api);
    }),
  );
  const counts: Record<string, number> = {};
  for (const report of reports) counts[report.status] = (counts[report.status] ?? 0) + 1;
  return {
    instanceId: instance.id,
    checkedAt: new Date().toISOString(),
    concurrency,
    armCalls: reader.calls,
    counts,
    apis: reports,
  };
}
