import type { EmbeddedDatabase } from "./embedded-database";
import type pg from "pg";
import { findClientState, setClientState } from "./client-state";
import type { PrismaClient } from "./generated/client";

const RAW_ROWS = "rawRows";

/**
 * Reading many rows without the ORM: every column as text (or null), each row an array, straight
 * from the driver. Prisma builds an object per row and converts every value by its type; at a
 * million audit events that costs more than the database's own work, so the bulk readers
 * (audit verification and export) use this instead. The SQL must cast every column to text
 * (`::text`): the rows hold the text PostgreSQL sent, so both engines answer alike.
 */
export type RawRows = (sql: string, params: readonly unknown[]) => Promise<Array<Array<string | null>>>;

/** Every value as the text PostgreSQL sent (the driver's type parsers skipped). */
const asText = { getTypeParser: () => (value: string) => value };

export function postgresRawRows(pool: pg.Pool): RawRows {
  return async (sql, params) =>
    (await pool.query({ text: sql, values: [...params], rowMode: "array", types: asText })).rows as Array<
      Array<string | null>
    >;
}

export function pgliteRawRows(pglite: EmbeddedDatabase): RawRows {
  return async (sql, params) => (await pglite.query<Array<string | null>>(sql, [...params], { rowMode: "array" })).rows;
}

/** Makes `reader` the raw reader of `prisma` (the database handles of the app, tests and benchmarks do). */
export function registerRawRows(prisma: PrismaClient, reader: RawRows): void {
  setClientState(prisma, RAW_ROWS, reader);
}

/**
 * The raw reader of `prisma`; a client opened elsewhere gets one through Prisma's own raw
 * queries (slower, same rows), so the bulk readers work on any client.
 */
export function rawRowsOf(prisma: PrismaClient): RawRows {
  return (
    findClientState<RawRows>(prisma, RAW_ROWS) ??
    (async (sql, params) => {
      const rows = await prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(sql, ...params);
      return rows.map((row) => Object.values(row).map((value) => (value === null ? null : String(value))));
    })
  );
}
