import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, type Prisma } from "../db";
import { escapeLike } from "../db/escape-like";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { apiViewInclude, toApiView } from "./api-view";
import type { ApiView } from "./schemas";
import type { apiListQuerySchema } from "./schemas";

const cursorShape = z.object({ name: z.string(), id: z.string() });

/** APIs by display name, optionally of one instance or matching a search. */
export async function listApis(
  ctx: RequestContext,
  query: z.output<typeof apiListQuerySchema>,
): Promise<{ items: ApiView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(query.cursor, cursorShape);
  const where: Prisma.ApiWhereInput[] = [];
  if (query.instanceId) where.push({ instanceId: query.instanceId });
  if (query.search) {
    const contains = { contains: escapeLike(query.search), mode: "insensitive" as const };
    where.push({ OR: [{ displayName: contains }, { apimName: contains }, { path: contains }] });
  }
  if (after)
    where.push({ OR: [{ displayName: { gt: after.name } }, { displayName: after.name, id: { gt: after.id } }] });
  const rows = await getDb().api.findMany({
    where: { AND: where },
    include: apiViewInclude,
    orderBy: [{ displayName: "asc" }, { id: "asc" }],
    take: limit + 1,
  });
  return toPage(rows, limit, toApiView, (row) => ({ name: row.displayName, id: row.id }));
}
