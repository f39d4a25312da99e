import { FindingsTable } from "@/components/access/findings-table";
import { DateTime } from "@/components/ui/date-time";
import type { PlanAccessCheck } from "@/lib/access/schemas";

/**
 * What the other policy scopes make of the policy the plan writes: each finding with where it
 * stands and on which paths; a blocking one means applying would not give the profile's access.
 */
export function EffectiveAccessFindings({ check }: { check: PlanAccessCheck }) {
  return (
    <div className="space-y-3 text-sm">
      <p className="text-slate-600">
        The global, product and operation policies as read from APIM <DateTime value={check.readAt} />, with the API
        policy as this plan writes it.
      </p>
      {check.findings.length === 0 ? (
        <p>{check.notConcluded.length === 0 ? "No findings." : "No findings among what could be concluded."}</p>
      ) : (
        <FindingsTable caption="Effective-access findings of the policy this plan writes" findings={check.findings} />
      )}
      {check.notConcluded.length > 0 ? (
        <div className="text-amber-950">
          <p className="font-semibold">Could not be concluded:</p>
          <ul className="list-disc pl-5">
            {check.notConcluded.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
