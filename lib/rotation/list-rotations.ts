import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { findSecretOrThrow } from "../secrets/find-secret";
import { parseInput } from "../validation";
import { toRotationView } from "./rotation-view";

const inputSchema = z.strictObject({
  secretId: z.string(),
  cursor: z.string().max(512).optional(),
  limit: z.number().int().min(1).max(200).optional(),
});
const cursorShape = z.object({ createdAt: z.string(), id: z.string() });

/** A secret's rotations, newest first. */
export async function listRotations(ctx: RequestContext, input: { secretId: string; cursor?: string; limit?: number }) {
  await authorize(ctx, "config.read");
  const { secretId, cursor, limit = DEFAULT_PAGE_SIZE } = parseInput(inputSchema, input, "query");
  const after = decodeCursor(cursor, cursorShape);
  const db = getDb();
  await findSecretOrThrow(db, secretId);
  const rows = await db.secretRotation.findMany({
    where: {
      secretId,
      ...(after
        ? {
            OR: [
              { createdAt: { lt: new Date(after.createdAt) } },
              { createdAt: new Date(after.createdAt), id: { lt: after.id } },
            ],
          }
        : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
  });
  const now = new Date();
  return toPage(
    rows,
    limit,
    (row) => toRotationView(row, now),
    (row) => ({
      createdAt: row.createdAt.toISOString(),
      id: row.id,
    }),
  );
}
