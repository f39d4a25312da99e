import { ArmProblem } from "@/components/arm/arm-problem";
import { ApiAttentionList } from "@/components/overview/api-attention-list";
import type { RequestContext } from "@/lib/auth/request-context";
import { scanDrift } from "@/lib/deployments/scan-drift";
import { orArmFailure } from "./lookup";

const SHOWN = 10;

/**
 * Drift across every instance that has deployments (streamed in: it reads ARM, ETags first, so
 * an unchanged API costs a HEAD or two).
 */
export async function DriftOverview({ ctx, instanceIds }: { ctx: RequestContext; instanceIds: string[] }) {
  const scans = await Promise.all(instanceIds.map((instanceId) => orArmFailure(scanDrift(ctx, { instanceId }))));
  const failed = scans.find((scan) => !scan.ok);
  const reports = scans
    .flatMap((scan) => (scan.ok ? scan.value.apis : []))
    .filter((report) => report.status === "drifted" || report.status === "check_failed");
  return (
    <div className="space-y-3">
      {failed && !failed.ok ? <ArmProblem title="Some instances could not be checked." error={failed.error} /> : null}
      {reports.length === 0 ? (
        <p className="text-sm text-slate-600">Every deployed API still matches what was last applied.</p>
      ) : (
        <ApiAttentionList
          items={reports.slice(0, SHOWN).map((report) => ({
            id: report.apiId,
            name: report.displayName ?? report.apimName,
            why:
              report.status === "drifted"
                ? `changed in APIM outside Portcullis (${report.significant.length} ${report.significant.length === 1 ? "difference" : "differences"})`
                : `could not be checked: ${report.error ?? "unknown error"}`,
          }))}
          more={reports.length - SHOWN}
          moreHref="/apis"
        />
      )}
    </div>
  );
}
