import type { Prisma } from "../../db";
import { profileReferences } from "../../policy";
import { storedProfile } from "../../profiles/stored-profile";
import type { OwnedBackend } from "./compute-plan";

/**
 * Backends Portcullis created for this API and has not removed since, replayed from the steps
 * of its deployments (a step is the record of what was really done), each with the other APIs
 * of the instance whose current access profile still uses it: those are never removed.
 */
export async function ownedBackends(
  db: Prisma.TransactionClient,
  api: { id: string; instanceId: string },
): Promise<OwnedBackend[]> {
  const steps = await db.deploymentStep.findMany({
    where: { deployment: { apiId: api.id }, kind: { in: ["backend.create", "backend.delete"] }, status: "succeeded" },
    orderBy: [{ finishedAt: "asc" }, { seq: "asc" }],
    select: { kind: true, target: true },
  });
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
