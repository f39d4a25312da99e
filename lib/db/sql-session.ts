import pg from "pg";
import { AppError } from "../errors";
import type { EmbeddedDatabase } from "./embedded-database";

/**
 * The smallest interface the migrator needs: one connection, raw SQL. Both engines are
 * real PostgreSQL, so the same SQL (advisory locks, triggers, plpgsql) runs on both.
 */
export interface SqlSession {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function pgliteSession(db: EmbeddedDatabase, options: { closeOnEnd: boolean }): SqlSession {
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await db.query<Row>(sql, params)).rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    async close() {
      if (options.closeOnEnd) await db.close();
    },
  };
}

export async function postgresSession(url: string): Promise<SqlSession> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    throw unreachable(url, error);
  }
  return {
    async query<Row>(sql: string, params: unknown[] = []) {
      return (await client.query(sql, params)).rows as Row[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

/** Names the database without its password so the message is safe to print. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export function unreachable(url: string, error: unknown): AppError {
  const reason = error instanceof Error ? error.message.replace(url, describeDatabaseUrl(url)) : String(error);
  return new AppError(
    "unavailable",
    `Cannot connect to the database at ${describeDatabaseUrl(url)} (DATABASE_URL): ${reason}`,
    {
      cause: error,
    },
  );
}
