import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";

export interface Overview {
  apiCount: number;
  withoutProfile: { count: number; items: Array<{ id: string; displayName: string }> };
  /** APIs whose latest deployment failed or conflicted. */
  troubled: { count: number; items: Array<{ id: string; displayName: string; status: string; deploymentId: string }> };
  /** The latest deployments across all APIs. */
  recentDeployments: Array<{ id: string; status: string; startedAt: string; apiId: string; apiName: string }>;
  /** Instances with at least one successful deployment: where drift can exist. */
  deployedInstanceIds: string[];
}

const SHOWN = 10;

/**
 * What needs attention across every API, computed in the database so it stays right however
 * many APIs there are. It reads nothing from APIM (drift is checked on request).
 */
export async function getOverview(ctx: RequestContext): Promise<Overview> {
  await authorize(ctx, "config.read");
  const db = getDb();
  const live = { goneAt: null };
  const noProfile = { ...live, profileVersions: { none: {} } };
  const [apiCount, withoutProfileCount, withoutProfile, latest, recent, deployedInstances] = await Promise.all([
    db.api.count({ where: live }),
    db.api.count({ where: noProfile }),
    db.api.findMany({
      where: noProfile,
      orderBy: { displayName: "asc" },
      take: SHOWN,
      select: { id: true, displayName: true },
    }),
    // The latest deployment of each API still in APIM (the (api_id, started_at) index serves it).
    db.$queryRaw<Array<{ api_id: string; id: string; status: string; display_name: string }>>`
      SELECT DISTINCT ON (d.api_id) d.api_id, d.id, d.status, a.display_name
      FROM deployments d JOIN apis a ON a.id = d.api_id
      WHERE a.gone_at IS NULL
      ORDER BY d.api_id, d.started_at DESC`,
    db.deployment.findMany({
      orderBy: { startedAt: "desc" },
      take: SHOWN,
      include: { api: { select: { displayName: true } } },
    }),
    db.instance.findMany({
      where: { apis: { some: { deployments: { some: { status: "succeeded" } } } } },
      select: { id: true },
    }),
  ]);
  const troubled = latest
    .filter((row) => row.status === "failed" || row.status === "conflicted")
    .sort((a, b) => a.display_name.localeCompare(b.display_name));
  return {
    apiCount,
    withoutProfile: { count: withoutProfileCount, items: withoutProfile },
    troubled: {
      count: troubled.length,
      items: troubled
        .slice(0, SHOWN)
        .map((row) => ({ id: row.api_id, displayName: row.display_name, status: row.status, deploymentId: row.id })),
    },
    recentDeployments: recent.map((d) => ({
      id: d.id,
      status: d.status,
      startedAt: d.startedAt.toISOString(),
      apiId: d.apiId,
      apiName: d.api.displayName,
    })),
    deployedInstanceIds: deployedInstances.map((i) => i.id),
  };
}
