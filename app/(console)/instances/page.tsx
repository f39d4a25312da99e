import type { Metadata } from "next";
import { ButtonForm } from "@/components/forms/button-form";
import { ApprovalSettingsForm } from "@/components/instances/approval-settings-form";
import { InstanceCard } from "@/components/instances/instance-card";
import { PendingSettingsChange } from "@/components/instances/pending-settings-change";
import { RejectPlanForm } from "@/components/plans/reject-plan-form";
import { RegisterInstanceForm } from "@/components/instances/register-instance-form";
import { VerificationSettingsForm } from "@/components/instances/verification-settings-form";
import { Alert } from "@/components/ui/alert";
import { Section } from "@/components/ui/section";
import { listAwaitingApproval } from "@/lib/approvals/list-awaiting-approval";
import { guardPage } from "@/lib/auth/console-guard";
import { listInstances } from "@/lib/instances/list-instances";
import { instanceInputSchema, type InstanceSettingsChangeView } from "@/lib/instances/schemas";
import { verificationSettingsInputSchema } from "@/lib/verification/schemas";
import {
  approveSettingsChangeAction,
  registerInstanceAction,
  rejectSettingsChangeAction,
  syncInstanceAction,
  updateInstanceSettingsAction,
  updateVerificationSettingsAction,
  verifyInstanceAction,
} from "./actions";

export const metadata: Metadata = { title: "Instances" };

const shape = instanceInputSchema.shape;
const HINTS = {
  name: shape.name.description,
  subscriptionId: shape.subscriptionId.description,
  resourceGroup: shape.resourceGroup.description,
  serviceName: shape.serviceName.description,
  armEndpoint: shape.armEndpoint.description,
  tier: shape.tier.description,
};

export default async function InstancesPage() {
  const ctx = await guardPage("/instances");
  const canWrite = ctx.permissions.has("config.write");
  // Instances are a handful per organisation: one page of 200 is all of them.
  const [{ items: instances }, { settingsChanges: pendingChanges }] = await Promise.all([
    listInstances(ctx, { limit: 200 }),
    listAwaitingApproval(ctx, ["settingsChanges"]),
  ]);
  const now = new Date().toISOString();

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">Instances</h1>
        <p className="text-sm text-slate-600">
          The Azure API Management services Portcullis manages. Syncing discovers their APIs; nothing in APIM changes.
        </p>
      </div>

      {instances.length === 0 ? (
        <Alert title="No instance is registered yet.">
          {canWrite
            ? "Register one below with its ARM coordinates."
            : "An administrator registers the APIM services Portcullis manages."}
        </Alert>
      ) : (
        <ul className="space-y-4">
          {instances.map((instance) => (
            <li key={instance.id}>
              <InstanceCard
                instance={instance}
                pendingChange={pendingChanges
                  .filter((change) => change.instance.id === instance.id)
                  .map((change) => (
                    <PendingSettingsChange
                      key={change.id}
                      change={change}
                      now={now}
                      actions={canWrite ? <SettingsChangeDecision change={change} /> : undefined}
                    />
                  ))}
                actions={
                  canWrite ? (
                    <div className="flex flex-wrap gap-2">
                      <ButtonForm
                        action={syncInstanceAction}
                        fields={{ instanceId: instance.id }}
                        busyText="Syncing…"
                        errorTitle={`Sync of ${instance.name} failed`}
                      >
                        Sync APIs<span className="sr-only"> of {instance.name}</span>
                      </ButtonForm>
                      <ButtonForm
                        action={verifyInstanceAction}
                        fields={{ instanceId: instance.id }}
                        busyText="Starting…"
                        errorTitle={`Verification of ${instance.name} did not start`}
                      >
                        Verify all<span className="sr-only"> APIs of {instance.name}</span>
                      </ButtonForm>
                      <details className="w-full text-sm">
                        <summary className="cursor-pointer font-medium text-blue-700">
                          Environment and approval settings<span className="sr-only"> of {instance.name}</span>
                        </summary>
                        <div className="mt-3">
                          <ApprovalSettingsForm instance={instance} action={updateInstanceSettingsAction} />
                        </div>
                      </details>
                    </div>
                  ) : undefined
                }
                settings={
                  canWrite ? (
                    <VerificationSettingsForm
                      instance={instance}
                      action={updateVerificationSettingsAction}
                      gatewayHint={verificationSettingsInputSchema.shape.gatewayUrl.description}
                    />
                  ) : undefined
                }
              />
            </li>
          ))}
        </ul>
      )}

      {canWrite ? (
        <Section card>
          <RegisterInstanceForm action={registerInstanceAction} hints={HINTS} tiers={shape.tier.unwrap().options} />
        </Section>
      ) : null}
    </div>
  );
}

/** Approve (for an admin other than its author) and reject (anyone; its author withdraws it so). */
function SettingsChangeDecision({ change }: { change: InstanceSettingsChangeView }) {
  const fields = { changeId: change.id, changeHash: change.hash };
  return (
    <div className="grid gap-6 sm:grid-cols-2">
      {change.ownChange ? (
        <p className="text-slate-600">
          You asked for this change: another admin must approve it. You may reject it to withdraw it.
        </p>
      ) : (
        <ButtonForm
          action={approveSettingsChangeAction}
          fields={fields}
          tone="primary"
          busyText="Approving…"
          errorTitle="The settings change was not approved"
        >
          Approve<span className="sr-only"> the settings change of {change.instance.name}</span>
        </ButtonForm>
      )}
      <RejectPlanForm fields={fields} what="settings change" action={rejectSettingsChangeAction} />
    </div>
  );
}
