import Link from "next/link";
import { ButtonForm } from "@/components/forms/button-form";
import type { FormAction } from "@/components/forms/form-state";
import { Alert } from "@/components/ui/alert";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { TimeLeft } from "@/components/ui/time-left";
import type { RotationView } from "@/lib/rotation/schemas";

const STATUS: Record<RotationView["status"], { words: string; tone: BadgeTone }> = {
  planned: { words: "planned: nothing applied yet", tone: "info" },
  applying: { words: "applying", tone: "info" },
  applied: { words: "applied: grace period", tone: "warning" },
  failed: { words: "failed", tone: "danger" },
  rollback_planning: { words: "planning the roll back", tone: "info" },
  rollback_planned: { words: "roll back planned", tone: "info" },
  rolled_back: { words: "rolled back", tone: "neutral" },
  completed: { words: "completed: old named value deleted", tone: "success" },
};

const GOOD = new Set(["succeeded", "proven"]);

/**
 * One rotation: the plans that switch the references (the preview to read before applying),
 * the apply's progress, the gateway's verdict, the grace period and its roll back.
 */
export function RotationPanel({
  rotation,
  now,
  actions,
}: {
  rotation: RotationView;
  now: string;
  /** The admin's buttons; absent for readers. */
  actions?: { apply: FormAction<string>; rollBack: FormAction<string> };
}) {
  const status = STATUS[rotation.status];
  const plans = rotation.rollbackPlans ?? rotation.plans;
  const fields = { secretId: rotation.secretId, rotationId: rotation.id };
  return (
    <Section
      id={`rotation-${rotation.id}`}
      as="article"
      card
      title={`Rotation to ${rotation.newNamedValue.name}`}
      subtitle={`Started by ${rotation.createdBy}`}
      aside={<Badge tone={status.tone}>{status.words}</Badge>}
      busy={rotation.status === "applying"}
    >
      <div className="space-y-4 text-sm">
        <p>
          From <code className="font-mono">{`{{${rotation.oldNamedValue.name}}}`}</code> (
          {rotation.oldNamedValue.fingerprint ?? "fingerprint unknown"}) to{" "}
          <code className="font-mono">{`{{${rotation.newNamedValue.name}}}`}</code> (
          {rotation.newNamedValue.fingerprint}).
        </p>
        {rotation.error ? <Alert tone="error" title={rotation.error} /> : null}

        <div>
          <h3 className="font-semibold">
            {rotation.rollbackPlans ? "Plans of the roll back" : "Plans of the switch"} ({plans.length})
          </h3>
          {plans.length === 0 ? (
            <p>No access profile sends this key: applying only makes the secret the new named value.</p>
          ) : (
            <ul className="list-disc space-y-1 pl-5">
              {plans.map((plan) => (
                <li key={plan.planId}>
                  <Link className="text-blue-700 underline" href={`/apis/${plan.apiId}`}>
                    {plan.apimName}
                  </Link>{" "}
                  (profile version {plan.profileVersion}): {plan.summary}{" "}
                  {plan.blocked ? <Badge tone="danger">blocked by lint errors</Badge> : null}{" "}
                  <Link className="text-blue-700 underline" href={`/plans/${plan.planId}`}>
                    Read the plan<span className="sr-only"> for {plan.apimName}</span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>

        {rotation.deployments.length > 0 ? (
          <div>
            <h3 className="font-semibold">Deployments</h3>
            <ul className="list-disc space-y-1 pl-5">
              {rotation.deployments.map((deployment) => (
                <li key={deployment.planId}>
                  {plans.find((plan) => plan.planId === deployment.planId)?.apimName ?? deployment.apiId}:{" "}
                  <Badge tone={GOOD.has(deployment.status) ? "success" : "danger"}>{deployment.status}</Badge>{" "}
                  {deployment.deploymentId ? (
                    <Link className="text-blue-700 underline" href={`/deployments/${deployment.deploymentId}`}>
                      Steps
                      <span className="sr-only">
                        {" "}
                        of {plans.find((plan) => plan.planId === deployment.planId)?.apimName ?? deployment.apiId}
                      </span>
                    </Link>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {rotation.verifications.length > 0 ? (
          <div>
            <h3 className="font-semibold">Verified at the gateway</h3>
            <ul className="list-disc space-y-1 pl-5">
              {rotation.verifications.map((verification) => (
                <li key={verification.verificationId}>
                  {plans.find((plan) => plan.apiId === verification.apiId)?.apimName ?? verification.apiId}:{" "}
                  <Badge tone={GOOD.has(verification.status) ? "success" : "danger"}>{verification.status}</Badge>{" "}
                  {verification.summary}
                </li>
              ))}
            </ul>
          </div>
        ) : null}

        {rotation.deleteAfter && rotation.retiredNamedValue ? (
          <p>
            <code className="font-mono">{`{{${rotation.retiredNamedValue}}}`}</code>{" "}
            {rotation.deletedAt ? (
              <>
                was deleted <DateTime value={rotation.deletedAt} />.
              </>
            ) : rotation.status === "applied" ? (
              <>
                is kept for the grace period, so you can roll back: <TimeLeft until={rotation.deleteAfter} now={now} />.
              </>
            ) : (
              <>is deleted at the next clean-up.</>
            )}
          </p>
        ) : null}

        {actions && (rotation.canApply || rotation.canRollBack) ? (
          <div className="flex flex-wrap gap-4">
            {rotation.canApply ? (
              <ButtonForm
                action={actions.apply}
                fields={fields}
                tone="primary"
                busyText="Starting…"
                errorTitle="The plans were not applied"
              >
                {rotation.rollbackPlans ? "Apply the roll back" : "Apply the rotation"}
              </ButtonForm>
            ) : null}
            {rotation.canRollBack ? (
              <ButtonForm
                action={actions.rollBack}
                fields={fields}
                busyText="Planning…"
                errorTitle="The roll back was not planned"
              >
                Roll back
              </ButtonForm>
            ) : null}
          </div>
        ) : null}
      </div>
    </Section>
  );
}
