import type { Metadata } from "next";
import { ApprovalCountCell, AuthorCell, ReviewLinkCell } from "@/components/approvals/waiting-cells";
import { SupersededSets } from "@/components/change-sets/superseded-sets";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { TimeLeft } from "@/components/ui/time-left";
import { listAwaitingApproval } from "@/lib/approvals/list-awaiting-approval";
import { guardPage } from "@/lib/auth/console-guard";

export const metadata: Metadata = { title: "Waiting for approval" };

/**
 * Plans on instances that require approval, change sets (one approval for all their APIs) and
 * changes lowering an instance's approval settings, waiting for an admin other than their author.
 */
export default async function ApprovalsPage() {
  const ctx = await guardPage("/approvals");
  const { plans, changeSets, settingsChanges } = await listAwaitingApproval(ctx);
  const now = new Date().toISOString();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Waiting for approval</h1>
        <p className="text-sm text-slate-600">
          The latest plan of each API on an instance that requires approval, not yet approved by enough admins other
          than its author, and the change sets (one approval for all their APIs) waiting the same way. Open one to
          review its changes and approve or reject it. Those you made, or whose inputs you wrote, are marked: another
          admin must approve them.
        </p>
      </div>
      {settingsChanges.length > 0 ? (
        <DataTable
          caption="Instance settings changes waiting for approval, oldest first"
          columns={["Instance", "Lowers", "Asked for by", "Asked", "Expires", "Approvals"]}
        >
          {settingsChanges.map((change) => (
            <tr key={change.id} className="border-t border-slate-100">
              <ReviewLinkCell
                href={`/instances#instance-${change.instance.id}`}
                name={change.instance.name}
                what="settings change"
              />
              <td className="px-3 py-2">{change.lowers.join("; ")}</td>
              <AuthorCell name={change.requestedBy.name} own={change.ownChange} />
              <td className="px-3 py-2">
                <DateTime value={change.createdAt} />
              </td>
              <td className="px-3 py-2">
                <TimeLeft until={change.expiresAt} now={now} />
              </td>
              <ApprovalCountCell approval={change.approval} />
            </tr>
          ))}
        </DataTable>
      ) : null}
      {changeSets.length > 0 ? (
        <DataTable
          caption="Change sets waiting for approval, oldest first"
          columns={["Change set", "APIs", "Variables changed", "Made by", "Made", "Approvals", "Approval expires"]}
        >
          {changeSets.map((set) => (
            <tr key={set.id} className="border-t border-slate-100">
              <ReviewLinkCell href={`/change-sets/${set.id}`} name={set.title} what="change set">
                <SupersededSets sets={set.supersedes} />
              </ReviewLinkCell>
              <td className="px-3 py-2">{set.apis}</td>
              <td className="px-3 py-2">
                {set.variables
                  ? `${set.variables.environment}: ${set.variables.changes.map((change) => change.name).join(", ")}`
                  : "—"}
              </td>
              <AuthorCell name={set.createdBy} own={set.ownSet} contributed={set.contributed} />
              <td className="px-3 py-2">
                <DateTime value={set.createdAt} />
              </td>
              <ApprovalCountCell approval={set.approval} />
              <td className="px-3 py-2">
                {set.approvalExpiresAt ? <TimeLeft until={set.approvalExpiresAt} now={now} /> : "—"}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
      {plans.length === 0 ? (
        <Alert title="No plan is waiting for approval." />
      ) : (
        <DataTable
          caption="Plans waiting for approval, oldest first"
          columns={["API", "Instance", "Made by", "Made", "Approvals"]}
        >
          {plans.map((plan) => (
            <tr key={plan.planId} className="border-t border-slate-100">
              <ReviewLinkCell href={`/plans/${plan.planId}`} name={plan.api.displayName} what="plan" />
              <td className="px-3 py-2">
                {plan.instance.name}
                {plan.instance.environment ? ` (${plan.instance.environment})` : ""}
              </td>
              <AuthorCell name={plan.createdBy} own={plan.ownPlan} contributed={plan.contributed} />
              <td className="px-3 py-2">
                <DateTime value={plan.createdAt} />
              </td>
              <ApprovalCountCell approval={plan.approval} />
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
