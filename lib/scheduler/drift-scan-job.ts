import { systemContext } from "../auth/system-context";
import { scanDrift } from "../deployments/scan-drift";
import type { JobDefinition } from "./scheduler";

export const DRIFT_SCAN_JOB = "drift-scan:";

/** What a drift scan remembers: the APIs it found drifted, so only new drift is announced. */
interface DriftScanState {
  drifted: string[];
}

/**
 * The periodic drift scan of one instance (every DRIFT_SCAN_MINUTES). `onDrift` hears of APIs
 * that drifted since the last scan (not of drift it already announced).
 */
export function driftScanJob(
  instanceId: string,
  intervalMs: number,
  onDrift: (instanceId: string, scan: Awaited<ReturnType<typeof scanDrift>>, newlyDrifted: string[]) => Promise<void>,
): JobDefinition {
  return {
    name: `${DRIFT_SCAN_JOB}${instanceId}`,
    intervalMs,
    // A scan of thousands of APIs takes minutes; the lease is renewed while it runs.
    leaseMs: 5 * 60_000,
    async run({ state }) {
      const scan = await scanDrift(systemContext(), { instanceId });
      const drifted = scan.apis.filter((api) => api.status === "drifted").map((api) => api.apiId);
      const before = new Set((state as DriftScanState | null)?.drifted ?? []);
      const newly = drifted.filter((id) => !before.has(id));
      if (newly.length > 0) await onDrift(instanceId, scan, newly);
      const next: DriftScanState = { drifted };
      return { summary: describeCounts(scan.apis.length, scan.counts), state: next };
    },
  };
}

const STATUS_WORDS: Record<string, string> = {
  in_sync: "in sync",
  drifted: "drifted",
  changed_harmlessly: "changed harmlessly",
  not_deployed: "not deployed",
  check_failed: "could not be checked",
};

export function describeCounts(total: number, counts: Record<string, number>): string {
  const parts = Object.entries(STATUS_WORDS)
    .filter(([status]) => (counts[status] ?? 0) > 0)
    .map(([status, words]) => `${counts[status]} ${words}`);
  return `${total} API${total === 1 ? "" : "s"}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}`;
}
