import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findDeploymentOrThrow, toDeploymentView } from "./deployment-view";
import type { DeploymentView } from "./schemas";

/** One deployment with every step's outcome (poll it while it runs). */
export async function getDeployment(ctx: RequestContext, input: { deploymentId: string }): Promise<DeploymentView> {
  await authorize(ctx, "config.read");
  return toDeploymentView(await findDeploymentOrThrow(getDb(), input.deploymentId));
}
