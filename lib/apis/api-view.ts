import type { Prisma } from "../db";
import type { ApiView } from "./schemas";

/** What every API read includes: the instance name, current profile version and last deployment. */
export const apiViewInclude = {
  instance: { select: { name: true } },
  template: { select: { id: true, name: true } },
  profileVersions: { select: { version: true }, orderBy: { version: "desc" }, take: 1 },
  deployments: {
    select: { id: true, status: true, startedAt: true, finishedAt: true },
    orderBy: { startedAt: "desc" },
    take: 1,
  },
} satisfies Prisma.ApiInclude;

type ApiRow = Prisma.ApiGetPayload<{ include: typeof apiViewInclude }>;

export function toApiView(row: ApiRow): ApiView {
  const deployment = row.deployments[0];
  return {
    id: row.id,
    instanceId: row.instanceId,
    instanceName: row.instance.name,
    apimName: row.apimName,
    displayName: row.displayName,
    path: row.path,
    serviceUrl: row.serviceUrl,
    gone: row.goneAt !== null,
    profileVersion: row.profileVersions[0]?.version ?? null,
    template: row.template,
    lastDeployment: deployment
      ? {
          id: deployment.id,
          status: deployment.status,
          startedAt: deployment.startedAt.toISOString(),
          finishedAt: deployment.finishedAt?.toISOString() ?? null,
        }
      : null,
  };
}
