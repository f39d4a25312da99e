import { z } from "zod";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { DEFAULT_PAGE_SIZE, newestFirst, toPage } from "../rest/pagination";
import { deploymentViewInclude, toDeploymentView } from "./deployment-view";
import type { deploymentListQuerySchema, DeploymentView } from "./schemas";

/** An API's deployments, newest first, with their steps. */
export async function listDeployments(
  ctx: RequestContext,
  input: { apiId: string } & z.output<typeof deploymentListQuerySchema>,
): Promise<{ items: DeploymentView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const page = newestFirst(input.cursor, "startedAt");
  const rows = await db.deployment.findMany({
    where: { apiId: input.apiId, ...page.where },
    include: deploymentViewInclude,
    orderBy: page.orderBy,
    take: limit + 1,
  });
  return toPage(rows, limit, toDeploymentView, page.keyOf);
}
