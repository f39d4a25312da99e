import Link from "next/link";
import { ButtonForm } from "@/components/forms/button-form";
import type { FormAction } from "@/components/forms/form-state";
import { PlanApproval } from "@/components/plans/plan-approval";
import { RejectPlanForm } from "@/components/plans/reject-plan-form";
import { Section } from "@/components/ui/section";
import type { ApprovalRefusal } from "@/lib/deployments/approval/approval-rules";
import type { PlanApprovalView } from "@/lib/deployments/schemas";
import { ApproveRefused } from "./approve-refused";

/** Approve and Reject for a viewer who may decide; the page leaves it out for anyone else. */
export interface ApprovalDecision {
  /** Why this viewer's approval would be refused (they made it, or wrote what it brings); null when it would count. */
  refusal: ApprovalRefusal | null;
  approveLabel: string;
  approve: FormAction<string>;
  reject: FormAction<string>;
}

/**
 * The Approval section of a plan's or a change set's page, the same four-eyes review for both: its
 * state and decisions, Approve (or, in its place, why the viewer's approval would be refused) and
 * Reject, each sent with the hash the viewer reviewed, then that hash and a link to its audit
 * history. Nothing when no approval is required.
 */
export function ApprovalSection({
  noun,
  approval,
  hash,
  fields,
  decision,
  auditFilter,
}: {
  noun: "plan" | "change set";
  approval: PlanApprovalView;
  /** The content hash under review: shown, and what the audit link filters on. */
  hash: string;
  /** The hidden fields Approve and Reject send: the id and the hash reviewed. */
  fields: Record<string, string>;
  decision: ApprovalDecision | null;
  /** The audit page's filter for this hash; null when the viewer may not read the audit history. */
  auditFilter: "planHash" | "changeHash" | null;
}) {
  if (approval.required === 0) return null;
  return (
    <Section id="approval" title="Approval" card>
      <PlanApproval
        approval={approval}
        actions={
          decision ? (
            <div className="grid gap-6 sm:grid-cols-2">
              {decision.refusal ? (
                <ApproveRefused
                  id={`approve-${noun.replace(" ", "-")}`}
                  label={decision.approveLabel}
                  noun={noun}
                  refusal={decision.refusal}
                />
              ) : (
                <ButtonForm
                  action={decision.approve}
                  fields={fields}
                  tone="primary"
                  busyText="Approving…"
                  errorTitle={`The ${noun} was not approved`}
                >
                  {decision.approveLabel}
                </ButtonForm>
              )}
              <RejectPlanForm fields={fields} what={noun} action={decision.reject} />
            </div>
          ) : undefined
        }
      />
      <p className="mt-3 break-all font-mono text-xs text-slate-600">
        {noun === "plan" ? "Plan" : "Change set"} hash {hash}
      </p>
      {auditFilter ? (
        <Link href={`/audit?${auditFilter}=${hash}`} className="text-sm text-blue-700 underline">
          Audit history of this {noun}
        </Link>
      ) : null}
    </Section>
  );
}
