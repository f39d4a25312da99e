import type { Metadata } from "next";
import Link from "next/link";
import { ApprovalSection } from "@/components/approvals/approval-section";
import { ClientApplications } from "@/components/access/client-applications";
import { scopeName } from "@/components/access/scope-name";
import { PolicyDiff } from "@/components/diff/policy-diff";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { ButtonForm } from "@/components/forms/button-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { BackendChanges } from "@/components/plans/backend-changes";
import { EffectiveAccessFindings } from "@/components/plans/effective-access-findings";
import { LintFindings } from "@/components/plans/lint-findings";
import { NamedValueList } from "@/components/plans/named-value-list";
import { PlanOperations } from "@/components/plans/plan-operations";
import { Alert } from "@/components/ui/alert";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { getApi } from "@/lib/apis/get-api";
import { guardPage } from "@/lib/auth/console-guard";
import { getPlanClientApplications } from "@/lib/access/plan-client-applications";
import { whyCannotApprovePlan } from "@/lib/deployments/approval/why-cannot-approve-plan";
import { getPlan } from "@/lib/deployments/get-plan";
import { orNotFound } from "../../lookup";
import { applyPlanAction, approvePlanAction, rejectPlanAction } from "../actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await guardPage("/plans/[id]");
  const { id } = await params;
  const plan = await orNotFound(getPlan(ctx, { planId: id }));
  const { diff, approval } = plan;
  const applied = plan.deployments.some((deployment) => deployment.status === "succeeded");
  const canDecide = ctx.permissions.has("config.write") && approval.required > 0 && !applied;
  const [api, clients, refusal] = await Promise.all([
    getApi(ctx, { apiId: plan.apiId }),
    getPlanClientApplications(ctx, { planId: plan.id }),
    // The author's or a contributor's approval would be refused: they are told why instead of offered it.
    canDecide ? whyCannotApprovePlan(ctx, { planId: plan.id }) : null,
  ]);
  const canApply = ctx.permissions.has("config.write") && !plan.empty && !plan.blocked && !api.gone;

  return (
    <div className="space-y-8">
      <Breadcrumb
        trail={[
          { href: "/apis", label: "APIs" },
          { href: `/apis/${api.id}`, label: api.displayName },
        ]}
        current="Plan"
      />
      <div>
        <h1 className="text-2xl font-semibold">
          {plan.purpose === "drift" ? "Restore plan" : "Plan"} for {api.displayName}
        </h1>
        <p className="text-sm text-slate-600">
          {plan.purpose === "drift"
            ? `Restores what was last applied (profile version ${plan.profileVersion}).`
            : `Makes APIM match profile version ${plan.profileVersion}.`}{" "}
          Made by {plan.createdBy}, <DateTime value={plan.createdAt} />, from what APIM held then.
        </p>
      </div>

      {plan.empty ? (
        <Alert tone="success" title="Already in sync: APIM already matches this profile.">
          There is nothing to apply.
        </Alert>
      ) : (
        <Alert title={diff.summary} />
      )}
      {diff.lint.blocking ? (
        <Alert tone="error" title="This plan cannot be applied: the policy it would write has lint errors.">
          Fix the profile (or the hand-written part of the policy in APIM), then make a new plan.
        </Alert>
      ) : null}
      {diff.effectiveAccess?.blocking ? (
        <Alert tone="error" title="This plan cannot be applied: another policy scope would undo the access profile.">
          <ul className="list-disc pl-4">
            {diff.effectiveAccess.findings
              .filter((finding) => finding.severity === "blocking")
              .map((finding) => (
                <li key={`${finding.code}:${finding.scope}:${finding.scopeId}:${finding.line}`}>
                  {finding.message} ({scopeName(finding.scope, finding.scopeId)}, line {finding.line})
                </li>
              ))}
          </ul>
          Fix the policy in APIM (see the findings below), then make a new plan.
        </Alert>
      ) : null}

      {!plan.empty ? (
        <Section id="ops" title="What applying does, in order" card>
          <PlanOperations operations={plan.operations} />
          <p className="text-xs text-slate-600">
            Every update sends the ETag this plan read. If someone changes an entity in APIM before the apply, APIM
            refuses (412) and nothing is overwritten.
          </p>
        </Section>
      ) : null}

      {diff.policy.changed ? (
        <Section id="policy" title={diff.policy.before === null ? "Policy (new)" : "Policy before and after"}>
          <PolicyDiff hunks={diff.policy.hunks} caption="Changes to the API policy, line by line" />
          {diff.policy.after !== null ? (
            <details className="text-sm">
              <summary className="cursor-pointer text-blue-700">The whole policy after applying</summary>
              <pre
                tabIndex={0}
                aria-label="Policy after applying"
                className="mt-2 max-h-96 overflow-auto rounded bg-slate-900 p-3 font-mono text-xs text-slate-100"
              >
                {diff.policy.after}
              </pre>
            </details>
          ) : null}
          <ClientApplications access={clients} title="Client applications the profile lets in" />
        </Section>
      ) : null}

      {diff.backends.length > 0 ? (
        <Section id="backends" title="Backends">
          <BackendChanges backends={diff.backends} />
        </Section>
      ) : null}

      {diff.namedValues.length > 0 ? (
        <Section id="nv" title="Named values the policy uses">
          <NamedValueList namedValues={diff.namedValues} />
        </Section>
      ) : null}

      {diff.lint.findings.length > 0 ? (
        <Section id="lint" title="Lint findings">
          <LintFindings findings={diff.lint.findings} />
        </Section>
      ) : null}

      {diff.effectiveAccess ? (
        <Section id="effective-access" title="Effective access after applying">
          <EffectiveAccessFindings check={diff.effectiveAccess} />
        </Section>
      ) : null}

      {plan.deployments.length > 0 ? (
        <Section id="applied" title="Applied">
          <ul className="space-y-1 text-sm">
            {plan.deployments.map((deployment) => (
              <li key={deployment.id} className="flex items-center gap-2">
                <DeploymentStatusBadge status={deployment.status} />
                <Link href={`/deployments/${deployment.id}`} className="text-blue-700 underline">
                  Deployment started <DateTime value={deployment.startedAt} />
                </Link>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      <ApprovalSection
        noun="plan"
        approval={approval}
        hash={plan.hash}
        fields={{ planId: plan.id, planHash: plan.hash }}
        decision={
          canDecide ? { refusal, approveLabel: "Approve", approve: approvePlanAction, reject: rejectPlanAction } : null
        }
        auditFilter={ctx.permissions.has("audit.read") ? "planHash" : null}
      />

      {canApply ? (
        <ButtonForm
          action={applyPlanAction}
          fields={{ planId: plan.id }}
          tone="primary"
          busyText="Starting…"
          errorTitle="The plan was not applied"
        >
          {plan.deployments.length > 0 ? "Apply again" : "Apply"}
        </ButtonForm>
      ) : null}
    </div>
  );
}
