import type { DriftScan } from "../deployments/schemas";
import { getDb } from "../db";
import { publishEvent } from "./publish-event";

/**
 * A scheduled drift scan found APIs that drifted since the previous scan: one `drift.detected`
 * event for the instance, naming them (never the policies' content). Published outside a
 * transaction: the scan changed nothing, and should the process die before the scan's state is
 * recorded, the next scan announces the same drift again (at least once, never lost).
 */
export async function announceDrift(instanceId: string, scan: DriftScan, newlyDrifted: string[]): Promise<void> {
  const fresh = new Set(newlyDrifted);
  const apis = scan.apis
    .filter((api) => fresh.has(api.apiId))
    .map((api) => ({
      apiId: api.apiId,
      apimName: api.apimName,
      displayName: api.displayName,
      differences: api.significant.length,
    }));
  await publishEvent(getDb(), {
    type: "drift.detected",
    instanceId,
    data: {
      summary: `${apis.length} API${apis.length === 1 ? "" : "s"} drifted from what Portcullis deployed: ${apis
        .map((api) => api.displayName)
        .join(", ")}`,
      checkedAt: scan.checkedAt,
      counts: scan.counts,
      apis,
    },
  });
}
