/**
 * Helpers for the integration tests of plans, deployments and drift: find a synced API, save a
 * profile version (with the If-Match the previous version needs) and plan + apply in one go.
 */
import type { ApimClient } from "../../lib/apim";
import { apimClientForInstance } from "../../lib/apim/client-for-instance";
import type { AccessProfileInput } from "../../lib/policy";
import { listApis } from "../../lib/apis/list-apis";
import type { RequestContext } from "../../lib/auth/request-context";
import { syncInstance } from "../../lib/instances/sync-instance";
import { listProfileVersions } from "../../lib/profiles/list-profile-versions";
import { saveAccessProfile } from "../../lib/profiles/save-access-profile";
import { createPlan } from "../../lib/deployments/create-plan";
import type { DeploymentView, PlanView } from "../../lib/deployments/schemas";
import { startDeployment } from "../../lib/deployments/start-deployment";
import type { SandboxHarness } from "./sandbox-harness";

const CLIENT = "11111111-2222-3333-4444-555555555555";

export const profiles = {
  /** API key from the seeded secret named value, sent by the policy; Entra callers. */
  headerKey: (clientId = CLIENT): AccessProfileInput => ({
    backendAuth: { mode: "apiKey", namedValue: "azure-openai-api-key", headerName: "api-key", delivery: "setHeader" },
    callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: [clientId] },
  }),
  /** The same key, configured on a backend entity the policy selects. */
  backendKey: (backendId: string, url = "https://contoso.openai.azure.com/openai"): AccessProfileInput => ({
    backendAuth: {
      mode: "apiKey",
      namedValue: "azure-openai-api-key",
      headerName: "api-key",
      delivery: "backend",
      backendId,
      backendUrl: url,
    },
    callerAuth: { mode: "entra", tenantId: "contoso.onmicrosoft.com", clientApplicationIds: [CLIENT] },
  }),
  /** APIM's managed identity, configured on a backend entity. */
  backendIdentity: (backendId: string): AccessProfileInput => ({
    backendAuth: {
      mode: "managedIdentity",
      resource: "https://cognitiveservices.azure.com",
      delivery: "backend",
      backendId,
      backendUrl: "https://contoso.services.ai.azure.com/models",
    },
    callerAuth: { mode: "none" },
  }),
  /** APIM's managed identity in the policy; JWT callers. */
  managedIdentity: (audience = "https://api.example.com"): AccessProfileInput => ({
    backendAuth: { mode: "managedIdentity", resource: "https://cognitiveservices.azure.com", delivery: "policy" },
    callerAuth: {
      mode: "jwt",
      openIdConfigUrl: "https://login.example.com/.well-known/openid-configuration",
      issuers: ["https://login.example.com"],
      audiences: [audience],
    },
  }),
  none: (): AccessProfileInput => ({ backendAuth: { mode: "none" }, callerAuth: { mode: "none" } }),
};

/** Syncs the instance (idempotent) and returns the id of the API with this ARM name. */
export async function apiIdOf(ctx: RequestContext, instanceId: string, apimName: string): Promise<string> {
  await syncInstance(ctx, { instanceId });
  const api = (await listApis(ctx, { instanceId, search: apimName, limit: 200 })).items.find(
    (item) => item.apimName === apimName,
  );
  if (!api) throw new Error(`no API ${apimName}`);
  return api.id;
}

export async function saveProfile(
  ctx: RequestContext,
  apiId: string,
  profile: AccessProfileInput,
  options: { adopt?: boolean } = {},
): Promise<void> {
  const current = (await listProfileVersions(ctx, { apiId, limit: 1 })).items[0];
  await saveAccessProfile(ctx, { apiId, profile, ifMatch: current?.etag ?? null, adopt: options.adopt });
}

/** Seeds `count` APIs (no hand-written policy) named `<prefix>-1…`, each with a profile; ids in order. */
export async function seededApis(
  sandbox: Pick<SandboxHarness, "controls" | "instance">,
  ctx: RequestContext,
  prefix: string,
  count: number,
): Promise<string[]> {
  const names = await sandbox.controls.seedApis(count, { prefix, withPolicy: false });
  await syncInstance(ctx, { instanceId: sandbox.instance.id });
  const listed = (await listApis(ctx, { search: `${prefix}-`, limit: 200 })).items;
  const ids = names.map((name) => listed.find((api) => api.apimName === name)!.id);
  for (const id of ids) await saveProfile(ctx, id, profiles.headerKey());
  return ids;
}

export async function applyPlan(ctx: RequestContext, planId: string): Promise<DeploymentView> {
  const { run } = await startDeployment(ctx, { planId });
  return run();
}

export async function planAndApply(
  ctx: RequestContext,
  apiId: string,
): Promise<{ plan: PlanView; deployment: DeploymentView }> {
  const plan = await createPlan(ctx, { apiId });
  return { plan, deployment: await applyPlan(ctx, plan.id) };
}

/**
 * Takes the backend selection out of seeded APIs' hand-written policies, leaving only <base />.
 * It runs after where the Portcullis block goes, so it would undo a profile with a backend of its
 * own (a blocking effective-access finding: such a plan cannot be applied). Tests of applying
 * such profiles start from APIs whose policy keeps nothing that undoes them.
 */
export async function dropBackendSelection(apim: ApimClient, apimNames: readonly string[]): Promise<void> {
  for (const name of apimNames) {
    const live = (await apim.getApiPolicy(name)).value!;
    const inheriting = live.xml.replace(/<set-backend-service [^>]*\/>\s*/, "");
    if (inheriting === live.xml) throw new Error(`the policy of ${name} selects no backend`);
    await apim.putApiPolicy(name, inheriting, { etag: live.etag });
  }
}

/**
 * A plan by `ctx` with something to write: a profile with a backend of its own saved for a fresh
 * API named `<prefix>-1` whose policy only inherits (dropBackendSelection), then planned.
 */
export async function planOnFreshApi(
  sandbox: Pick<SandboxHarness, "controls" | "instance">,
  ctx: RequestContext,
  prefix: string,
): Promise<PlanView> {
  const [name] = await sandbox.controls.seedApis(1, { prefix });
  await dropBackendSelection(apimClientForInstance(sandbox.instance), [name!]);
  const apiId = await apiIdOf(ctx, sandbox.instance.id, name!);
  await saveProfile(ctx, apiId, profiles.backendKey(`${name}-backend`));
  const plan = await createPlan(ctx, { apiId });
  if (plan.empty) throw new Error(`the plan of ${name} writes nothing`);
  return plan;
}
