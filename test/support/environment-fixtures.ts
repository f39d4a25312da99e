import type { RequestContext } from "../../lib/auth/request-context";
import { putEnvironmentVariables } from "../../lib/environments/put-environment-variables";
import { registerInstance } from "../../lib/instances/register-instance";
import type { InstanceView } from "../../lib/instances/schemas";
import { updateInstanceSettings } from "../../lib/instances/update-instance-settings";
import type { SandboxCoordinates } from "../../sandbox/sandbox-coordinates";
import { SANDBOX_PRODUCTION_SERVICE } from "../../sandbox/start-sandbox";

/**
 * An API key behind an Entra caller check, written once with what differs between environments
 * as variables: `${keyName}`, `${tenant}` and `${chatApp}`. `audiences` as the test needs them
 * (fixed, none, or `${audience}` for one more variable).
 */
export function profileWrittenWithVariables(audiences: string[]) {
  return {
    backendAuth: { mode: "apiKey", namedValue: "${keyName}", headerName: "api-key", delivery: "setHeader" },
    callerAuth: {
      mode: "entra",
      tenantId: "${tenant}",
      clientApplicationIds: ["${chatApp}"],
      audiences,
      requiredClaims: [],
    },
  };
}

/** Puts an instance in `environment` and, when given, sets that environment's variables. */
export async function putInEnvironment(
  ctx: RequestContext,
  instanceId: string,
  environment: string,
  variables?: Record<string, string>,
): Promise<void> {
  await updateInstanceSettings(ctx, { instanceId, settings: { environment } });
  if (variables) await putEnvironmentVariables(ctx, { environment, variables });
}

/**
 * Registers the simulator's second service, the production stand-in
 * (`setupSandboxHarness({ productionService: true })`), as `name` in environment production.
 */
export async function registerProductionInstance(
  ctx: RequestContext,
  coordinates: SandboxCoordinates,
  name: string,
): Promise<InstanceView> {
  const production = await registerInstance(ctx, {
    name,
    subscriptionId: coordinates.subscriptionId,
    resourceGroup: coordinates.resourceGroup,
    serviceName: SANDBOX_PRODUCTION_SERVICE,
    armEndpoint: coordinates.armEndpoint,
  });
  await putInEnvironment(ctx, production.id, "production");
  return production;
}
