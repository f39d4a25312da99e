import { readAccessScopes, type AccessScopesRead } from "../../access/read-api-access";
import type { ApimClient } from "../../apim";
import { apimClientForInstance, type InstanceCoordinates } from "../../apim/client-for-instance";
import { withSharedReads } from "../../apim/shared-reads";
import { getDb } from "../../db";
import { backendSteps, type BackendStep } from "./owned-backends";

/**
 * What plans read besides each API's own entities, each read once per PlanReads on first use: per
 * instance, an APIM client sharing its reads (withSharedReads: the service, global policy, named
 * values and backends, which every API's plan reads alike, and each API's policy, which its diff
 * and its effective-access check both read) and the fingerprints kept for the named values
 * Portcullis set; per API, the backend steps of its deployments (one query for all the APIs). A
 * single plan makes its own; a change set shares one across its APIs while it is made, so 200
 * APIs of one instance list the named values once, not 200 times.
 */
export interface PlanReads {
  apim(instance: InstanceCoordinates): ApimClient;
  /** Every scope of the API read from APIM with `apim` (readAccessScopes): what its effective-access check judges. */
  accessScopes(
    api: { id: string; apimName: string; instance: InstanceCoordinates },
    correlationId: string,
  ): Promise<AccessScopesRead>;
  fingerprints(instanceId: string): Promise<ReadonlyMap<string, string | null>>;
  backendSteps(apiId: string): Promise<BackendStep[]>;
}

export function planReads(apiIds: readonly string[]): PlanReads {
  const fingerprints = new Map<string, Promise<ReadonlyMap<string, string | null>>>();
  let steps: Promise<Map<string, BackendStep[]>> | undefined;
  const apim = sharedReadClients();
  return {
    apim,
    accessScopes: accessScopesWith(apim),
    fingerprints: (instanceId) => {
      let read = fingerprints.get(instanceId);
      if (!read) {
        read = getDb()
          .secret.findMany({ where: { instanceId }, select: { namedValueId: true, fingerprint: true } })
          .then((secrets) => new Map(secrets.map((secret) => [secret.namedValueId, secret.fingerprint])));
        fingerprints.set(instanceId, read);
      }
      return read;
    },
    backendSteps: async (apiId) => (await (steps ??= backendSteps(getDb(), apiIds))).get(apiId) ?? [],
  };
}

/**
 * The reads of one API's plan when its backend steps and its instance's fingerprints are already
 * known (createPlan reads them with the API: readApiToPlan). `fingerprints` answers for the API's
 * own instance whatever id it is given.
 */
export function knownPlanReads(steps: BackendStep[], fingerprints: ReadonlyMap<string, string | null>): PlanReads {
  const apim = sharedReadClients();
  return {
    apim,
    accessScopes: accessScopesWith(apim),
    fingerprints: async () => fingerprints,
    backendSteps: async () => steps,
  };
}

function accessScopesWith(apim: PlanReads["apim"]): PlanReads["accessScopes"] {
  return (api, correlationId) => readAccessScopes(apim(api.instance), api.apimName, correlationId);
}

/** One withSharedReads client per instance, made on first use (PlanReads.apim). */
function sharedReadClients(): PlanReads["apim"] {
  const clients = new Map<string, ApimClient>();
  return (instance) => {
    let client = clients.get(instance.id);
    if (!client) {
      client = withSharedReads(apimClientForInstance(instance));
      clients.set(instance.id, client);
    }
    return client;
  };
}
