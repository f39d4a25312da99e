import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { toChangeSetSummary } from "./change-set-view";
import type { ChangeSetSummary } from "./schemas";
import { changeSetInclude } from "./set-approval";

/** The latest change sets (newest first), with their progress. */
export async function listChangeSets(ctx: RequestContext, input: { limit?: number } = {}): Promise<ChangeSetSummary[]> {
  await authorize(ctx, "config.read");
  const rows = await getDb().changeSet.findMany({
    include: changeSetInclude,
    orderBy: { createdAt: "desc" },
    take: input.limit ?? 50,
  });
  const now = new Date();
  return rows.map((row) => toChangeSetSummary(row, now));
}
