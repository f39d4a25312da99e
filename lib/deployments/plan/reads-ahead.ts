import { readAccessScopes, type AccessScopesRead } from "../../access/read-api-access";
import type { ApimClient } from "../../apim";
import { AppError } from "../../errors";
import { apimClientForInstance, type InstanceCoordinates } from "../../apim/client-for-instance";
import { withSharedReads } from "../../apim/shared-reads";
import type { PlanReads } from "./plan-reads";

/** Where an API lives in APIM: its name there and its instance's coordinates. */
interface Whereabouts {
  apimName: string;
  instance: InstanceCoordinates;
}

/** A plan's reads of APIM sent before its API was read from the database (readAheadOfPlan). */
export interface ReadsAhead extends Whereabouts {
  apiId: string;
  /** The plan's client of the instance (withSharedReads): its later reads of the same entities join these. */
  apim: ApimClient;
  scopes: Promise<AccessScopesRead>;
}

/** Enough for an estate's APIs (bench: 5,000 in 10 instances), a few hundred bytes each. */
const KEPT = 10_000;

/** Oldest first (a Map keeps insertion order): the APIs this process planned. */
const known = new Map<string, Whereabouts>();

const COORDINATES = ["id", "subscriptionId", "resourceGroup", "serviceName", "armEndpoint"] as const;

/** Keeps where an API createPlan read lives, for its next plan (readAheadOfPlan). */
export function rememberWhereApiLives(api: { id: string; apimName: string; instance: InstanceCoordinates }): void {
  known.delete(api.id);
  const { id, subscriptionId, resourceGroup, serviceName, armEndpoint } = api.instance;
  known.set(api.id, {
    apimName: api.apimName,
    instance: { id, subscriptionId, resourceGroup, serviceName, armEndpoint },
  });
  if (known.size > KEPT) known.delete(known.keys().next().value!);
}

/**
 * A plan reads its API from the database before it knows which APIM to read, and then waits one
 * round trip of ARM for its reads (createPlan). For an API this process planned before, where it
 * lives is known already: its reads of every scope (the one round trip its plan waits for) leave
 * now, beside that statement, instead of after it (bench/README.md, apply-200, `readahead`). Null
 * when the API is not known here, or its instance's endpoint is no longer allowed (the plan then
 * says so as it would have). The reads count only when the statement finds the API where they
 * were sent (withReadsAhead); otherwise they are dropped.
 */
export function readAheadOfPlan(apiId: string, correlationId: string): ReadsAhead | null {
  const where = known.get(apiId);
  if (!where) return null;
  let apim: ApimClient;
  try {
    apim = withSharedReads(apimClientForInstance(where.instance));
  } catch (error) {
    // The endpoint is no longer allowed: the plan refuses it itself, as it would have.
    if (error instanceof AppError) return null;
    throw error;
  }
  const scopes = readAccessScopes(apim, where.apimName, correlationId);
  // Awaited only if the plan uses it: a dropped read's failure concerns nobody.
  scopes.catch(() => undefined);
  return { ...where, apiId, apim, scopes };
}

/**
 * The plan's reads, with the reads ahead in place of their own when the API is still where they
 * were sent — the same name, the same instance at the same coordinates — so the plan judges
 * exactly the entities it would have read itself, at most one statement earlier. Otherwise the
 * plan's own reads, as if nothing had been read ahead.
 */
export function withReadsAhead(
  reads: PlanReads,
  ahead: ReadsAhead | null,
  api: { id: string; apimName: string; instance: InstanceCoordinates },
): PlanReads {
  const same =
    ahead !== null &&
    ahead.apiId === api.id &&
    ahead.apimName === api.apimName &&
    COORDINATES.every((key) => ahead.instance[key] === api.instance[key]);
  if (!same) return reads;
  return {
    ...reads,
    apim: (instance) => (instance.id === ahead.instance.id ? ahead.apim : reads.apim(instance)),
    accessScopes: (planned, correlationId) =>
      planned.id === ahead.apiId ? ahead.scopes : reads.accessScopes(planned, correlationId),
  };
}
