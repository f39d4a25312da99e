import type { DeploymentView } from "@/lib/deployments/schemas";

/**
 * One sentence on where the deployment is, in a polite live region: screen readers hear each
 * step finish and the outcome, as the page refreshes.
 */
export function DeploymentProgress({ deployment }: { deployment: DeploymentView }) {
  const total = deployment.steps.length;
  const done = deployment.steps.filter((step) => step.status === "succeeded" || step.status === "skipped").length;
  const current =
    deployment.steps.find((step) => step.status === "running") ??
    deployment.steps.find((step) => step.status === "pending");
  const sentence =
    deployment.status === "queued"
      ? `Queued: waiting to start ${total} ${total === 1 ? "step" : "steps"}.`
      : deployment.status === "running"
        ? `Running: ${done} of ${total} steps done${current ? `; now step ${current.seq}, ${current.kind} ${current.target}` : ""}.`
        : `${deployment.status[0]!.toUpperCase()}${deployment.status.slice(1)}: ${done} of ${total} steps done.`;
  return (
    <p role="status" className="text-sm font-medium" data-testid="deployment-progress">
      {sentence}
    </p>
  );
}
