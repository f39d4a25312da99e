import { mkdirSync } from "node:fs";
import { openEmbeddedDatabase, type EmbeddedDatabase } from "./embedded-database";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { PGlite } from "@electric-sql/pglite";
import type { AppConfig } from "../env";
import { log } from "../log";
import { backgroundWorkSettled } from "./background-work";
import { PrismaClient } from "./generated/client";
import { pgliteDriverSql, postgresDriverSql, registerDriverSql } from "./driver-sql";
import { pgliteRawRows, postgresRawRows, registerRawRows } from "./raw-rows";

export type DatabaseConfig = AppConfig["database"] | { kind: "pglite-memory" };

export interface Database {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/**
 * PostgreSQL connections per app process. A connection is held only for one statement or one
 * short transaction (never across an ARM call), so 16 applies in flight share a few; more
 * would only add idle connections on the server (each app instance opens up to this many).
 */
export const POSTGRES_POOL_SIZE = 10;

/**
 * Interactive transactions wait up to `maxWait` for a connection (Prisma's default, 2 s, fails
 * a burst of applies on a busy machine while every connection is in a short transaction) and
 * must finish within `timeout`. Ours are a few statements each, never an ARM call.
 */
export const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/** A Prisma client on the configured engine. Connections open lazily on first query. */
export function openDatabase(config: DatabaseConfig): Database {
  if (config.kind === "postgres") return postgresDatabase(config.url, POSTGRES_POOL_SIZE);
  if (config.kind === "pglite") mkdirSync(config.dataDir, { recursive: true });
  const pglite = openEmbeddedDatabase(config.kind === "pglite" ? config.dataDir : undefined);
  return pgliteDatabase(pglite);
}

/** A Prisma client on one pool of `max` connections, which the bulk readers share (raw-rows.ts). */
export function postgresDatabase(connectionString: string, max: number): Database {
  const pool = new pg.Pool({ connectionString, max });
  // An idle connection the server ends (a restart, a failover, an administrator's terminate,
  // an idle timeout) makes the pool emit "error"; unheard, that is an uncaught exception that
  // ends the process. The pool has already dropped the connection and opens a new one on demand.
  pool.on("error", (error: Error & { code?: string }) =>
    log.warn({ code: error.code, reason: error.message }, "an idle database connection was closed by the server"),
  );
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_OPTIONS });
  registerRawRows(prisma, postgresRawRows(pool));
  registerDriverSql(prisma, postgresDriverSql(pool));
  return {
    prisma,
    async close() {
      await backgroundWorkSettled(prisma);
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

/** A Prisma client on an embedded database; closing it closes the database. */
export function pgliteDatabase(pglite: EmbeddedDatabase): Database {
  // The adapter calls `query`, `exec` and `transaction` (and `query` and `rollback` of a transaction), which it has.
  const adapter = new PrismaPGlite(pglite as unknown as PGlite);
  const prisma = new PrismaClient({ adapter, transactionOptions: TRANSACTION_OPTIONS });
  registerRawRows(prisma, pgliteRawRows(pglite));
  registerDriverSql(prisma, pgliteDriverSql(pglite));
  return {
    prisma,
    async close() {
      await backgroundWorkSettled(prisma);
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
