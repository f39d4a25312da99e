import type { Prisma } from "../../db";
import { profileReferences } from "../../policy";
import { storedProfile } from "../../profiles/stored-profile";
import type { OwnedBackend } from "./compute-plan";

export interface BackendStep {
  kind: string;
  target: string;
}

/** The succeeded backend steps of each API's deployments, oldest first: one query for all the APIs. */
export async function backendSteps(
  db: Prisma.TransactionClient,
  apiIds: readonly string[],
): Promise<Map<string, BackendStep[]>> {
  const steps = await db.deploymentStep.findMany({
    where: {
      deployment: { apiId: { in: [...apiIds] } },
      kind: { in: ["backend.create", "backend.delete"] },
      status: "succeeded",
    },
    orderBy: [{ finishedAt: "asc" }, { seq: "asc" }],
    select: { kind: true, target: true, deployment: { select: { apiId: true } } },
  });
  const byApi = new Map<string, BackendStep[]>();
  for (const { deployment, ...step } of steps)
    byApi.set(deployment.apiId, [...(byApi.get(deployment.apiId) ?? []), step]);
  return byApi;
}

/**
 * Backends Portcullis created for this API and has not removed since, replayed from the steps
 * of its deployments (`backendSteps`: a step is the record of what was really done), each with
 * the other APIs of the instance whose current access profile still uses it: those are never removed.
 */
export async function ownedBackends(
  db: Prisma.TransactionClient,
  api: { id: string; instanceId: string },
  steps: readonly BackendStep[],
): Promise<OwnedBackend[]> {
  const owned = new Set<string>();
  for (const step of steps) {
    if (step.kind === "backend.create") owned.add(step.target);
    else owned.delete(step.target);
  }
  if (owned.size === 0) return [];
  const others = await db.accessProfileVersion.findMany({
    where: { api: { instanceId: api.instanceId, id: { not: api.id } } },
    orderBy: [{ apiId: "asc" }, { version: "desc" }],
    distinct: ["apiId"],
    select: { apiId: true, version: true, profile: true, api: { select: { apimName: true } } },
  });
  const profiles = others.map((other) => ({
    apimName: other.api.apimName,
    backendIds: profileReferences(storedProfile(other)).backendIds,
  }));
  return [...owned].map((backendId) => ({
    backendId,
    usedBy: profiles.filter((other) => other.backendIds.includes(backendId)).map((other) => other.apimName),
  }));
}
