import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { TimeLeft } from "@/components/ui/time-left";
import { guardPage } from "@/lib/auth/console-guard";
import { listChangeSetsAwaitingApproval } from "@/lib/change-sets/list-change-sets-awaiting-approval";
import { listPlansAwaitingApproval } from "@/lib/deployments/list-plans-awaiting-approval";
import { listSettingsChangesAwaitingApproval } from "@/lib/instances/list-settings-changes-awaiting-approval";

export const metadata: Metadata = { title: "Waiting for approval" };

/**
 * Plans on instances that require approval, change sets (one approval for all their APIs) and
 * changes lowering an instance's approval settings, waiting for an admin other than their author.
 */
export default async function ApprovalsPage() {
  const ctx = await guardPage("/approvals");
  const plans = await listPlansAwaitingApproval(ctx);
  const settingsChanges = await listSettingsChangesAwaitingApproval(ctx);
  const changeSets = await listChangeSetsAwaitingApproval(ctx);
  const now = new Date().toISOString();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Waiting for approval</h1>
        <p className="text-sm text-slate-600">
          The latest plan of each API on an instance that requires approval, not yet approved by enough admins other
          than its author, and the change sets (one approval for all their APIs) waiting the same way. Open one to
          review its changes and approve or reject it.
        </p>
      </div>
      {settingsChanges.length > 0 ? (
        <DataTable
          caption="Instance settings changes waiting for approval, oldest first"
          columns={["Instance", "Lowers", "Asked for by", "Asked", "Expires", "Approvals"]}
        >
          {settingsChanges.map((change) => (
            <tr key={change.id} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/instances#instance-${change.instance.id}`} className="text-blue-700 underline">
                  {change.instance.name}
                  <span className="sr-only"> — review the settings change</span>
                </Link>
              </th>
              <td className="px-3 py-2">{change.lowers.join("; ")}</td>
              <td className="px-3 py-2">
                {change.requestedBy.name}
                {change.ownChange ? " (you: another admin must approve)" : ""}
              </td>
              <td className="px-3 py-2">
                <DateTime value={change.createdAt} />
              </td>
              <td className="px-3 py-2">
                <TimeLeft until={change.expiresAt} now={now} />
              </td>
              <td className="px-3 py-2">
                {change.approval.approvedBy} of {change.approval.required}
              </td>
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
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/change-sets/${set.id}`} className="text-blue-700 underline">
                  {set.title}
                  <span className="sr-only"> — review the change set</span>
                </Link>
              </th>
              <td className="px-3 py-2">{set.apis}</td>
              <td className="px-3 py-2">
                {set.variables
                  ? `${set.variables.environment}: ${set.variables.changes.map((change) => change.name).join(", ")}`
                  : "—"}
              </td>
              <td className="px-3 py-2">
                {set.createdBy}
                {set.ownSet ? " (you: another admin must approve)" : ""}
              </td>
              <td className="px-3 py-2">
                <DateTime value={set.createdAt} />
              </td>
              <td className="px-3 py-2">
                {set.approval.approvedBy} of {set.approval.required}
              </td>
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
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/plans/${plan.planId}`} className="text-blue-700 underline">
                  {plan.api.displayName}
                  <span className="sr-only"> — review the plan</span>
                </Link>
              </th>
              <td className="px-3 py-2">
                {plan.instance.name}
                {plan.instance.environment ? ` (${plan.instance.environment})` : ""}
              </td>
              <td className="px-3 py-2">
                {plan.createdBy}
                {plan.ownPlan ? " (you: another admin must approve)" : ""}
              </td>
              <td className="px-3 py-2">
                <DateTime value={plan.createdAt} />
              </td>
              <td className="px-3 py-2">
                {plan.approval.approvedBy} of {plan.approval.required}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
