import type { ApimClient } from "../../apim";
import { apimClientForInstance, type InstanceCoordinates } from "../../apim/client-for-instance";
import { withSharedReads } from "../../apim/shared-reads";
import { isUuid } from "../../apis/find-api";
import { getDb, Prisma } from "../../db";
import { driverSqlOf } from "../../db/driver-sql";
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
  apim(instance: InstanceCoordinates & { id: string }): ApimClient;
  fingerprints(instanceId: string): Promise<ReadonlyMap<string, string | null>>;
  backendSteps(apiId: string): Promise<BackendStep[]>;
}

export function planReads(apiIds: readonly string[]): PlanReads {
  const fingerprints = new Map<string, Promise<ReadonlyMap<string, string | null>>>();
  let steps: Promise<Map<string, BackendStep[]>> | undefined;
  return {
    apim: sharedReadClients(),
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
 * The reads of one API's plan (createPlan): the backend steps of its deployments and the
 * fingerprints of its instance's named values in one statement, sent at once so that it runs
 * beside the read of the API itself (an apply's database round trips are its cost, see
 * bench/README.md). `fingerprints` answers for the API's own instance whatever id it is given.
 */
export function apiPlanReads(apiId: string): PlanReads {
  const known = isUuid(apiId) ? readApiPlanFacts(apiId) : Promise.resolve({ steps: [], fingerprints: new Map() });
  // Awaited by the plan; when the API's own read fails first, nothing awaits it (and it failed alike).
  known.catch(() => undefined);
  return {
    apim: sharedReadClients(),
    fingerprints: async () => (await known).fingerprints,
    backendSteps: async () => (await known).steps,
  };
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

/** backendSteps and the fingerprints of the API's instance, as planReads reads them, in one statement. */
async function readApiPlanFacts(
  apiId: string,
): Promise<{ steps: BackendStep[]; fingerprints: Map<string, string | null> }> {
  const [row] = await driverSqlOf(getDb()).query<{ steps: BackendStep[]; fingerprints: [string, string | null][] }>(
    Prisma.sql`
      SELECT
        COALESCE((
          SELECT jsonb_agg(jsonb_build_object('kind', step.kind, 'target', step.target)
                   ORDER BY step.finished_at, step.seq)
          FROM deployment_steps step JOIN deployments deployment ON deployment.id = step.deployment_id
          WHERE deployment.api_id = ${apiId}::uuid AND step.kind IN ('backend.create', 'backend.delete')
            AND step.status = 'succeeded'
        ), '[]'::jsonb) AS steps,
        COALESCE((
          SELECT jsonb_agg(jsonb_build_array(secret.named_value_id, secret.fingerprint))
          FROM secrets secret WHERE secret.instance_id = (SELECT instance_id FROM apis WHERE id = ${apiId}::uuid)
        ), '[]'::jsonb) AS fingerprints`,
    { prepared: true },
  );
  return { steps: row?.steps ?? [], fingerprints: new Map(row?.fingerprints ?? []) };
}
