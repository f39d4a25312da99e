import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type pageQuerySchema } from "../rest/pagination";
import { toInstanceView, type InstanceView } from "./schemas";

const cursorShape = z.object({ name: z.string() });

/** Registered APIM instances by name. */
export async function listInstances(
  ctx: RequestContext,
  query: z.output<typeof pageQuerySchema> = {},
): Promise<{ items: InstanceView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(query.cursor, cursorShape);
  const rows = await getDb().instance.findMany({
    where: after ? { name: { gt: after.name } } : {},
    orderBy: { name: "asc" },
    take: limit + 1,
  });
  return toPage(rows, limit, toInstanceView, (row) => ({ name: row.name }));
}
