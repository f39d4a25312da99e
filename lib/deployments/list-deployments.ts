import { z } from "zod";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { deploymentViewInclude, toDeploymentView } from "./deployment-view";
import type { deploymentListQuerySchema, DeploymentView } from "./schemas";

const cursorShape = z.object({ startedAt: z.string(), id: z.string() });

/** An API's deployments, newest first, with their steps. */
export async function listDeployments(
  ctx: RequestContext,
  input: { apiId: string } & z.output<typeof deploymentListQuerySchema>,
): Promise<{ items: DeploymentView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.cursor, cursorShape);
  const before = after && new Date(after.startedAt);
  const rows = await db.deployment.findMany({
    where: {
      apiId: input.apiId,
      ...(before && { OR: [{ startedAt: { lt: before } }, { startedAt: before, id: { lt: after.id } }] }),
    },
    include: deploymentViewInclude,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  return toPage(rows, limit, toDeploymentView, (row) => ({ startedAt: row.startedAt.toISOString(), id: row.id }));
}
