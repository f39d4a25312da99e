import type { ReactNode } from "react";
import { DateTime } from "@/components/ui/date-time";
import { PlanApproval } from "@/components/plans/plan-approval";
import type { InstanceSettingsChangeView } from "@/lib/instances/schemas";

/**
 * A change to an instance's four-eyes settings that lowers its protection, held until admins
 * other than its author approve it: what it lowers and its approvals. `actions` (approve,
 * reject) are given by the page when the viewer may decide.
 */
export function PendingSettingsChange({
  change,
  actions,
}: {
  change: InstanceSettingsChangeView;
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
      <PlanApproval approval={change.approval} actions={actions} />
    </section>
  );
}
