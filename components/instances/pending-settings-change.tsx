import type { ReactNode } from "react";
import { DateTime } from "@/components/ui/date-time";
import { TimeLeft } from "@/components/ui/time-left";
import { PlanApproval } from "@/components/plans/plan-approval";
import type { InstanceSettingsChangeView } from "@/lib/instances/schemas";

/**
 * A change to an instance's four-eyes settings that lowers its protection, held until admins
 * other than its author approve it: what it lowers, until when it can be approved, and its
 * approvals. `actions` (approve, reject) are given by the page when the viewer may decide; `now`
 * is the server's time of the page.
 */
export function PendingSettingsChange({
  change,
  now,
  actions,
}: {
  change: InstanceSettingsChangeView;
  now: string;
  actions?: ReactNode;
}) {
  return (
    <section
      aria-label={`Settings change of ${change.instance.name} waiting for approval`}
      className="space-y-3 rounded border border-amber-300 bg-amber-50 p-3 text-sm"
    >
      <p className="font-semibold">
        Settings change waiting for approval, asked for by {change.requestedBy.name}{" "}
        <DateTime value={change.createdAt} />. It lowers this instance&apos;s protection:
      </p>
      <ul className="list-disc pl-5">
        {change.lowers.map((lowered) => (
          <li key={lowered}>{lowered}</li>
        ))}
      </ul>
      <p>
        Unless approved in time, it expires: <TimeLeft until={change.expiresAt} now={now} />.
      </p>
      <PlanApproval approval={change.approval} actions={actions} />
    </section>
  );
}
