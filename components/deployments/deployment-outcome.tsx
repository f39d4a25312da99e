import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import type { DeploymentView } from "@/lib/deployments/schemas";

/**
 * How it ended and what to do next. A conflict means APIM changed after the plan read it:
 * nothing was overwritten, and `newPlan` offers a fresh plan from what APIM holds now.
 */
export function DeploymentOutcome({ deployment, newPlan }: { deployment: DeploymentView; newPlan?: ReactNode }) {
  const failedStep =
    deployment.steps.find((step) => step.seq === deployment.error?.step) ??
    deployment.steps.find((step) => step.status === "failed");
  switch (deployment.status) {
    case "succeeded":
      return <Alert live={false} tone="success" title="Succeeded: APIM now matches the plan." />;
    case "conflicted":
      return (
        <Alert
          live={false}
          tone="warning"
          title="Conflicted: APIM changed after the plan was made, so nothing was overwritten."
        >
          <p>{deployment.error?.message}</p>
          <p className="mt-1">Make a new plan: it reads APIM again and shows what applying would change now.</p>
          {newPlan ? <div className="mt-3">{newPlan}</div> : null}
        </Alert>
      );
    case "failed":
      return (
        <Alert
          live={false}
          tone="error"
          title={failedStep ? `Failed at step ${failedStep.seq}: ${failedStep.kind} ${failedStep.target}.` : "Failed."}
        >
          <p>{failedStep?.error?.message ?? deployment.error?.message}</p>
          <p className="mt-1">
            Steps before it are recorded as done; applying the plan again continues from where it stopped.
          </p>
        </Alert>
      );
    default:
      return null;
  }
}
