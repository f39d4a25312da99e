import type { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { DEFAULT_PAGE_SIZE, newestFirst, toPage } from "../rest/pagination";
import { toChangeSetSummary } from "./change-set-view";
import type { ChangeSetSummary, changeSetListQuerySchema } from "./schemas";
import { changeSetInclude } from "./set-approval";

/** The change sets, newest first, with their progress, a page at a time. */
export async function listChangeSets(
  ctx: RequestContext,
  input: z.output<typeof changeSetListQuerySchema> = {},
): Promise<{ items: ChangeSetSummary[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const page = newestFirst(input.cursor, "createdAt");
  const rows = await getDb().changeSet.findMany({
    where: page.where,
    include: changeSetInclude,
    orderBy: page.orderBy,
    take: limit + 1,
  });
  const now = new Date();
  return toPage(rows, limit, (row) => toChangeSetSummary(row, now), page.keyOf);
}
