import { z } from "zod";
import { AppError } from "../errors";

/**
 * Cursor pagination for list endpoints. The cursor is opaque to clients (base64url JSON of
 * the last item's sort key), so lists stay stable while rows are added.
 */
export const pageQuerySchema = z.object({
  cursor: z.string().max(512).optional().describe("nextCursor from the previous page."),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, "must be a whole number from 1 to 200")
    .transform(Number)
    .refine((n) => n <= 200, "must be at most 200")
    .optional()
    .describe("Items per page, 1-200 (default 50)."),
});

export const DEFAULT_PAGE_SIZE = 50;

/** The field a cursor the server did not issue is refused by (a console page shows such a link as stale). */
export const CURSOR_FIELD = "query.cursor";

export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
    })
    .meta({ id });
}

export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, shape: T): z.output<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the error below
  }
  throw new AppError("bad_request", "The cursor is not valid; use nextCursor from a previous page.", {
    fields: [{ path: CURSOR_FIELD, message: "is not a cursor this API issued" }],
  });
}

/** Takes `limit + 1` rows to learn whether another page follows. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
  keyOf: (row: Row) => Record<string, string | number>,
) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}

/**
 * A page of rows newest first by (`column`, id) — a deployment's `startedAt`, a change set's
 * `createdAt`: the condition that continues after `cursor`, the order, and each row's cursor key.
 */
export function newestFirst<C extends "startedAt" | "createdAt">(cursor: string | undefined, column: C) {
  const after = decodeCursor(cursor, z.object({ [column]: z.string(), id: z.string() }));
  const before = after && new Date(after[column] as string);
  type Where = { OR?: Array<Record<C, Date | { lt: Date }> & { id?: { lt: string } }> };
  return {
    where: (before
      ? { OR: [{ [column]: { lt: before } }, { [column]: before, id: { lt: after.id as string } }] }
      : {}) as Where,
    orderBy: [{ [column]: "desc" as const } as Record<C, "desc">, { id: "desc" as const }],
    keyOf: (row: Record<C, Date> & { id: string }) => ({ [column]: row[column].toISOString(), id: row.id }),
  };
}
