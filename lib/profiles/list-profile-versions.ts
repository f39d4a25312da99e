import { z } from "zod";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage, type pageQuerySchema } from "../rest/pagination";
import { toView, type AccessProfileView } from "./get-access-profile";

const cursorShape = z.object({ version: z.number().int() });

/** Every saved version of an API's access profile, newest first. */
export async function listProfileVersions(
  ctx: RequestContext,
  input: { apiId: string } & z.output<typeof pageQuerySchema>,
): Promise<{ items: AccessProfileView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const after = decodeCursor(input.cursor, cursorShape);
  const rows = await db.accessProfileVersion.findMany({
    where: { apiId: input.apiId, ...(after ? { version: { lt: after.version } } : {}) },
    orderBy: { version: "desc" },
    take: limit + 1,
  });
  return toPage(rows, limit, toView, (row) => ({ version: row.version }));
}
