import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { apimClientForInstance } from "../apim/client-for-instance";
import { checkDrift, notDeployedReport } from "./drift/check-drift";
import { driftReader } from "./drift/drift-reader";
import { findLastApplied } from "./last-applied";
import type { DriftReport } from "./schemas";

/**
 * What changed in APIM since the API's last successful deployment, significant differences
 * apart from harmless ones. A restore plan is made on request (createPlan with purpose "drift").
 */
export async function detectDrift(ctx: RequestContext, input: { apiId: string }): Promise<DriftReport> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const api = await findApiOrThrow(db, input.apiId);
  const applied = await findLastApplied(db, api.id);
  if (applied === null) return notDeployedReport(api);
  // One API reads at most a handful of entities: all at once.
  return checkDrift(
    driftReader(apimClientForInstance(api.instance), { concurrency: 8, correlationId: ctx.requestId }),
    api,
    applied,
  );
}
