import Link from "next/link";
import type { ReactNode } from "react";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import type { InstanceView } from "@/lib/instances/schemas";

/** One registered APIM service: where it is, when it was last synced, and what can be done with it. */
export function InstanceCard({
  instance,
  pendingChange,
  actions,
  settings,
}: {
  instance: InstanceView;
  /** A settings change waiting for approval, when there is one. */
  pendingChange?: ReactNode;
  actions?: ReactNode;
  /** The verification settings form, for those who may change them. */
  settings?: ReactNode;
}) {
  return (
    <Section
      id={`instance-${instance.id}`}
      as="article"
      title={instance.name}
      card
      subtitle={<p className="font-mono text-xs text-slate-600">{instance.serviceName}</p>}
      aside={
        <nav aria-label={`${instance.name} links`} className="flex gap-4 text-sm font-medium">
          <Link className="text-blue-700 underline" href={`/apis?instanceId=${instance.id}`}>
            APIs
          </Link>
          <Link className="text-blue-700 underline" href={`/instances/${instance.id}/secrets`}>
            Secrets
          </Link>
          <Link className="text-blue-700 underline" href={`/instances/${instance.id}/access`}>
            Access matrix
          </Link>
          {instance.environment ? (
            <Link className="text-blue-700 underline" href={`/environments/${instance.environment}`}>
              Variables<span className="sr-only"> of environment {instance.environment}</span>
            </Link>
          ) : null}
        </nav>
      }
    >
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
        <Fact term="Subscription" value={<span className="font-mono text-xs">{instance.subscriptionId}</span>} />
        <Fact term="Resource group" value={instance.resourceGroup} />
        <Fact term="Tier" value={instance.tier} />
        <Fact term="ARM endpoint" value={<span className="break-all font-mono text-xs">{instance.armEndpoint}</span>} />
        <Fact term="Last synced" value={instance.lastSyncedAt ? <DateTime value={instance.lastSyncedAt} /> : "never"} />
        <Fact
          term="Probes go to"
          value={
            instance.gatewayUrl ? (
              <span className="break-all font-mono text-xs">{instance.gatewayUrl}</span>
            ) : (
              "the gateway URL ARM reports"
            )
          }
        />
        <Fact term="Verify after apply" value={instance.verifyAfterApply ? "on" : "off"} />
        <Fact term="Environment" value={instance.environment ?? "not set"} />
        <Fact term="Applies need approval" value={approvalsText(instance.approvals)} />
      </dl>
      {pendingChange}
      {actions}
      {settings ? (
        <details className="text-sm">
          <summary className="cursor-pointer font-medium text-blue-700">
            Verification settings<span className="sr-only"> of {instance.name}</span>
          </summary>
          <div className="mt-3">{settings}</div>
        </details>
      ) : null}
    </Section>
  );
}

function Fact({ term, value }: { term: string; value: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">{term}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function approvalsText(approvals: InstanceView["approvals"]): string {
  if (approvals.required === 0) return "no";
  const who = approvals.automationApprovers ? "admins or automation" : "admins";
  return `${approvals.required} by ${who} other than the author, valid ${approvals.lifetimeHours} h`;
}
