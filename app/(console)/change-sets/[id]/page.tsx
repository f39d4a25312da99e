import type { Metadata } from "next";
import Link from "next/link";
import { ApprovalSection } from "@/components/approvals/approval-section";
import { ChangeSetStatusBadge, ItemStatusBadge } from "@/components/change-sets/change-set-status";
import { FollowingChange } from "@/components/change-sets/following-change";
import { SupersededSets } from "@/components/change-sets/superseded-sets";
import { VariableChanges } from "@/components/change-sets/variable-changes";
import { RefreshWhileRunning } from "@/components/deployments/refresh-while-running";
import { ButtonForm } from "@/components/forms/button-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { guardPage } from "@/lib/auth/console-guard";
import { reviewChangeSet } from "@/lib/change-sets/review-change-set";
import { orNotFound } from "../../lookup";
import { applyChangeSetAction, approveChangeSetAction, cancelChangeSetAction, rejectChangeSetAction } from "../actions";

export const metadata: Metadata = { title: "Change set" };

/**
 * One change set: the environment variables it changes (before → after), what changes per API
 * (each plan one click away, and the template it follows before → after), what blocks an API, the one approval, and while it applies its
 * progress (n of N, failures first, time left) with Cancel.
 */
export default async function ChangeSetPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await guardPage("/change-sets/[id]");
  const { id } = await params;
  const { set, whyCannotApprove } = await orNotFound(reviewChangeSet(ctx, { changeSetId: id }));
  const applying = set.status === "applying" || set.status === "cancelling";
  // A superseded set is history: nothing can be decided on or applied any more.
  const canWrite = ctx.permissions.has("config.write") && set.supersededBy === null;
  const { approval, progress } = set;
  const leftToApply = (progress.counts.planned ?? 0) + (progress.counts.failed ?? 0) + (progress.counts.cancelled ?? 0);
  const canDecide = canWrite && !applying && approval.required > 0;
  // The author's or a contributor's approval would be refused: they are told why instead of offered it.
  const refusal = canDecide ? await whyCannotApprove() : null;
  const approvedEnough = approval.status === "not_required" || approval.status === "approved";
  // Its variables are written by its first apply, even when no API is left to apply.
  const variablesToWrite = set.applyStartedAt === null ? (set.variables?.changes.length ?? 0) : 0;

  return (
    <div className="space-y-8">
      <RefreshWhileRunning running={applying} />
      <Breadcrumb trail={[{ href: "/change-sets", label: "Change sets" }]} current={set.title} />
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">{set.title}</h1>
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <ChangeSetStatusBadge status={set.status} /> Made by {set.createdBy}, <DateTime value={set.createdAt} />.
          {set.applyStartedAt ? (
            <>
              {" "}
              Applied by {set.applyStartedBy}, <DateTime value={set.applyStartedAt} />.
            </>
          ) : null}
        </p>
        <SupersededSets sets={set.supersedes} />
        <p role="status" className="text-sm font-medium" data-testid="change-set-progress">
          {progress.done} of {progress.total} APIs done
          {progress.counts.succeeded ? `, ${progress.counts.succeeded} succeeded` : ""}
          {progress.counts.failed ? `, ${progress.counts.failed} failed` : ""}
          {progress.counts.conflicted ? `, ${progress.counts.conflicted} conflicted` : ""}
          {progress.counts.blocked ? `, ${progress.counts.blocked} blocked` : ""}
          {applying && progress.estimatedSecondsLeft !== null ? `; about ${progress.estimatedSecondsLeft} s left` : ""}
          {applying ? ` (${set.concurrency} at a time)` : ""}.
        </p>
      </div>

      {set.supersededBy ? (
        <Alert tone="warning" title={`Superseded by “${set.supersededBy.title}”`}>
          <p>
            A newer change set replaced this one before it was applied, <DateTime value={set.supersededBy.at} />: it
            holds every API this one would change (or comes from the same files). This one can no longer be approved or
            applied.{" "}
            <Link href={`/change-sets/${set.supersededBy.id}`} className="font-medium text-blue-700 underline">
              Review the newer change set
            </Link>
          </p>
        </Alert>
      ) : null}

      <ApprovalSection
        noun="change set"
        approval={approval}
        hash={set.hash}
        fields={{ changeSetId: set.id, setHash: set.hash }}
        decision={
          canDecide
            ? {
                refusal,
                approveLabel: "Approve the whole set",
                approve: approveChangeSetAction,
                reject: rejectChangeSetAction,
              }
            : null
        }
        auditFilter={ctx.permissions.has("audit.read") ? "changeHash" : null}
      />

      {canWrite ? (
        <div className="flex flex-wrap gap-4">
          {applying ? (
            set.status === "applying" ? (
              <ButtonForm
                action={cancelChangeSetAction}
                fields={{ changeSetId: set.id }}
                tone="danger"
                busyText="Cancelling…"
                errorTitle="The change set was not cancelled"
              >
                Cancel
              </ButtonForm>
            ) : null
          ) : leftToApply > 0 || variablesToWrite > 0 ? (
            <ButtonForm
              action={applyChangeSetAction}
              fields={{ changeSetId: set.id }}
              tone="primary"
              busyText="Starting…"
              errorTitle="The change set was not applied"
            >
              {set.applyStartedAt ? `Apply the ${leftToApply} not applied` : applyLabel(leftToApply, variablesToWrite)}
              {approvedEnough ? "" : " (needs approval)"}
            </ButtonForm>
          ) : null}
        </div>
      ) : null}

      {set.variables ? <VariableChanges variables={set.variables} written={set.applyStartedAt !== null} /> : null}

      <DataTable
        caption="APIs of the change set, failures first"
        columns={["API", "What changes", "Blocking lint or findings", "Status"]}
      >
        {set.items.map((item) => (
          <tr key={item.apiId} className="border-t border-slate-100 align-top" data-testid="change-set-item">
            <th scope="row" className="px-3 py-2 font-medium">
              <Link href={`/apis/${item.apiId}`} className="text-blue-700 underline">
                {item.apiName}
              </Link>
              <div className="text-xs font-normal text-slate-500">{item.instanceName}</div>
            </th>
            <td className="px-3 py-2">
              {item.summary}
              {item.following ? <FollowingChange following={item.following} /> : null}
              {item.planId ? (
                <div>
                  <Link href={`/plans/${item.planId}`} className="text-blue-700 underline">
                    Diff<span className="sr-only"> of {item.apiName}&apos;s plan</span>
                  </Link>
                  {item.profileVersion ? ` (profile version ${item.profileVersion})` : ""}
                </div>
              ) : null}
            </td>
            <td className="px-3 py-2">
              {item.blocking.length === 0 ? (
                <span className="text-slate-500">None</span>
              ) : (
                <ul className="list-disc space-y-1 pl-4">
                  {item.blocking.map((finding, index) => (
                    <li key={index}>
                      <span className="font-mono text-xs">{finding.code}</span>: {finding.message}
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td className="px-3 py-2">
              <ItemStatusBadge status={item.status} />
              {item.error ? <p className="mt-1 text-red-800">{item.error}</p> : null}
              {item.deploymentId ? (
                <div>
                  <Link href={`/deployments/${item.deploymentId}`} className="text-blue-700 underline">
                    Deployment<span className="sr-only"> of {item.apiName}</span>
                  </Link>
                </div>
              ) : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

/** "Apply 3 APIs", "Apply 2 variables", "Apply 3 APIs and 1 variable". */
function applyLabel(apis: number, variables: number): string {
  const parts = [
    ...(apis > 0 || variables === 0 ? [`${apis} APIs`] : []),
    ...(variables > 0 ? [`${variables} variable${variables === 1 ? "" : "s"}`] : []),
  ];
  return `Apply ${parts.join(" and ")}`;
}
