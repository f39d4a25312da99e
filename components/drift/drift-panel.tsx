import Link from "next/link";
import type { ReactNode } from "react";
import { FieldChangeTable } from "@/components/diff/field-change-table";
import { PolicyDiff } from "@/components/diff/policy-diff";
import { Alert } from "@/components/ui/alert";
import { DateTime } from "@/components/ui/date-time";
import type { DriftDifference, DriftReport } from "@/lib/deployments/schemas";

/**
 * Whether APIM still holds what Portcullis last applied: the differences that matter, apart
 * from harmless ones (edits outside the managed block, re-saves), and `restore` to plan a fix.
 */
export function DriftPanel({ report, restore }: { report: DriftReport; restore?: ReactNode }) {
  const baseline = report.baseline ? (
    <>
      {" "}
      (
      <Link href={`/deployments/${report.baseline.deploymentId}`} className="underline">
        deployment of version {report.baseline.profileVersion}
      </Link>
      {report.baseline.finishedAt ? (
        <>
          , <DateTime value={report.baseline.finishedAt} />
        </>
      ) : null}
      )
    </>
  ) : null;
  return (
    <div className="space-y-4">
      {report.status === "in_sync" ? (
        <Alert tone="success" title="In sync: APIM still holds what was last applied.">
          {baseline}
        </Alert>
      ) : null}
      {report.status === "not_deployed" ? (
        <p className="text-sm text-slate-600">Nothing has been applied yet, so there is nothing to compare with.</p>
      ) : null}
      {report.status === "check_failed" ? (
        <Alert tone="error" title="The drift check could not finish.">
          {report.error}
        </Alert>
      ) : null}
      {report.status === "drifted" ? (
        <Alert tone="warning" title="Drifted: APIM no longer holds what was last applied.">
          Someone changed it outside Portcullis{baseline}.{" "}
          {restore ? "A restore plan shows exactly what putting it back would change." : null}
          {restore ? <div className="mt-3">{restore}</div> : null}
        </Alert>
      ) : null}
      {report.status === "changed_harmlessly" ? (
        <Alert title="Changed, harmlessly: only edits Portcullis does not manage.">
          What Portcullis applied is still in place{baseline}.
        </Alert>
      ) : null}
      {report.significant.length > 0 ? (
        <Differences title="Differences that matter" differences={report.significant} />
      ) : null}
      {report.harmless.length > 0 ? <Differences title="Harmless differences" differences={report.harmless} /> : null}
    </div>
  );
}

function Differences({ title, differences }: { title: string; differences: DriftDifference[] }) {
  return (
    <div>
      <h3 className="font-semibold">{title}</h3>
      <ul className="mt-2 space-y-3">
        {differences.map((difference, index) => (
          <li key={index} className="text-sm">
            <p>
              <span className="font-mono text-xs text-slate-600">
                {difference.entity} {difference.name}
              </span>{" "}
              {difference.message}
            </p>
            {difference.changes.length > 0 ? (
              <FieldChangeTable
                changes={difference.changes}
                caption={`Changes to ${difference.entity} ${difference.name}`}
                beforeLabel="Applied"
                afterLabel="In APIM now"
              />
            ) : null}
            {difference.hunks.length > 0 ? (
              <div className="mt-2">
                <PolicyDiff
                  hunks={difference.hunks}
                  caption={`Lines of the policy of ${difference.name} changed since it was applied`}
                />
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
