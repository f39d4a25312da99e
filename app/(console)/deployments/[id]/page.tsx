import type { Metadata } from "next";
import Link from "next/link";
import { DeploymentOutcome } from "@/components/deployments/deployment-outcome";
import { DeploymentProgress } from "@/components/deployments/deployment-progress";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { DeploymentSteps } from "@/components/deployments/deployment-steps";
import { RefreshWhileRunning } from "@/components/deployments/refresh-while-running";
import { ButtonForm } from "@/components/forms/button-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { DateTime } from "@/components/ui/date-time";
import { getApi } from "@/lib/apis/get-api";
import { guardPage } from "@/lib/auth/console-guard";
import { getDeployment } from "@/lib/deployments/get-deployment";
import { orNotFound } from "../../lookup";
import { createPlanAction } from "../../plans/actions";

export const metadata: Metadata = { title: "Deployment" };

export default async function DeploymentPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await guardPage("/deployments/[id]");
  const { id } = await params;
  const deployment = await orNotFound(getDeployment(ctx, { deploymentId: id }));
  const api = await getApi(ctx, { apiId: deployment.apiId });
  const running = deployment.status === "queued" || deployment.status === "running";

  return (
    <div className="space-y-6">
      <RefreshWhileRunning running={running} />
      <Breadcrumb
        trail={[
          { href: "/apis", label: "APIs" },
          { href: `/apis/${api.id}`, label: api.displayName },
        ]}
        current="Deployment"
      />
      <div className="space-y-1">
        <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold">
          Deployment to {api.displayName} <DeploymentStatusBadge status={deployment.status} />
        </h1>
        <p className="text-sm text-slate-600">
          Started by {deployment.startedBy}, <DateTime value={deployment.startedAt} />
          {deployment.finishedAt ? (
            <>
              ; ended <DateTime value={deployment.finishedAt} />
            </>
          ) : null}
          .{" "}
          <Link href={`/plans/${deployment.planId}`} className="text-blue-700 underline">
            The plan it applies
          </Link>
          {deployment.requestId ? <span className="font-mono text-xs"> · request {deployment.requestId}</span> : null}
        </p>
      </div>
      <DeploymentProgress deployment={deployment} />
      <DeploymentOutcome
        deployment={deployment}
        newPlan={
          ctx.permissions.has("config.write") ? (
            <ButtonForm
              action={createPlanAction}
              fields={{ apiId: api.id, purpose: "profile" }}
              tone="primary"
              busyText="Reading APIM…"
              errorTitle="No plan was made"
            >
              Make a new plan
            </ButtonForm>
          ) : undefined
        }
      />
      {deployment.steps.length === 0 ? (
        <p className="text-sm text-slate-600">This deployment has no steps: its plan was already in sync.</p>
      ) : (
        <DeploymentSteps steps={deployment.steps} />
      )}
    </div>
  );
}
