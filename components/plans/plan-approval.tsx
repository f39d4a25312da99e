import type { ReactNode } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import type { PlanApprovalView } from "@/lib/deployments/schemas";

const STATUS: Record<PlanApprovalView["status"], { label: string; tone: BadgeTone }> = {
  not_required: { label: "No approval needed", tone: "neutral" },
  waiting: { label: "Waiting for approval", tone: "warning" },
  approved: { label: "Approved", tone: "success" },
  rejected: { label: "Rejected", tone: "danger" },
};

const NOT_COUNTED: Record<NonNullable<PlanApprovalView["decisions"][number]["notCountedBecause"]>, string> = {
  author: "the author's own approval never counts",
  contributed: "they wrote an input it brings, so it would be their own change",
  automation: "this instance does not accept approvals from automation",
  "plan-changed": "made for different plan content",
  expired: "expired",
  superseded: "replaced by a later decision of the same person",
};

/**
 * A plan's four-eyes state: how many approvals it needs and has, and every decision with whether
 * it counts and why not. `actions` (approve, reject) are given by the page when the viewer may decide.
 */
export function PlanApproval({ approval, actions }: { approval: PlanApprovalView; actions?: ReactNode }) {
  const status = STATUS[approval.status];
  return (
    <div className="space-y-4">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <Badge tone={status.tone}>{status.label}</Badge>
        <span data-testid="approval-count">
          {approval.approvedBy} of {approval.required} approval{approval.required === 1 ? "" : "s"} by admins other than
          the author.
        </span>
      </p>
      {approval.decisions.length > 0 ? (
        <ul className="space-y-1 text-sm" aria-label="Approvals and rejections">
          {approval.decisions.map((decision) => (
            <li key={decision.id}>
              {decision.decision === "approved" ? "Approved" : "Rejected"} by{" "}
              <span className="font-semibold">{decision.actor.name}</span>
              {decision.actor.type === "app" ? " (automation)" : ""}, <DateTime value={decision.createdAt} />
              {decision.decision === "approved" ? (
                <>
                  , valid until <DateTime value={decision.expiresAt} />
                </>
              ) : null}
              {decision.reason ? <>: “{decision.reason}”</> : null}
              {decision.counts ? null : (
                <span className="text-slate-600"> — does not count: {NOT_COUNTED[decision.notCountedBecause!]}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {actions}
    </div>
  );
}
