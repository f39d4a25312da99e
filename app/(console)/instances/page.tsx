import type { Metadata } from "next";
import { ButtonForm } from "@/components/forms/button-form";
import { ApprovalSettingsForm } from "@/components/instances/approval-settings-form";
import { InstanceCard } from "@/components/instances/instance-card";
import { RegisterInstanceForm } from "@/components/instances/register-instance-form";
import { VerificationSettingsForm } from "@/components/instances/verification-settings-form";
import { Alert } from "@/components/ui/alert";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { listInstances } from "@/lib/instances/list-instances";
import { instanceInputSchema } from "@/lib/instances/schemas";
import { verificationSettingsInputSchema } from "@/lib/verification/schemas";
import {
  registerInstanceAction,
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
  const { items: instances } = await listInstances(ctx, { limit: 200 });

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
