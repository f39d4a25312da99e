import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { findPlanOrThrow } from "../deployments/plan/plan-view";
import { storedDesiredState } from "../deployments/plan/stored-plan";
import { clientDirectory } from "./client-directory";
import type { EffectiveAccessView } from "./schemas";

/**
 * The client applications a plan's profile lets in (Entra caller validation), named by the client
 * directory as everywhere else ids are shown, so a reviewer reading the plan sees "Portcullis
 * probe" or an app's name beside its id rather than a bare GUID. Empty for other caller modes.
 */
export async function getPlanClientApplications(
  ctx: RequestContext,
  input: { planId: string },
): Promise<Pick<EffectiveAccessView, "clientApplications" | "directory" | "directoryProblem">> {
  await authorize(ctx, "config.read");
  const plan = await findPlanOrThrow(getDb(), input.planId, {});
  const caller = storedDesiredState(plan).profile.callerAuth;
  const appIds = caller.mode === "entra" ? caller.clientApplicationIds : [];
  const directory = clientDirectory();
  const { names, problem } =
    appIds.length > 0 ? await directory.displayNames(appIds) : { names: new Map(), problem: null };
  return {
    directory: directory.source,
    directoryProblem: problem,
    clientApplications: appIds.map((appId) => ({ appId, displayName: names.get(appId) ?? null })),
  };
}
