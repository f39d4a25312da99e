import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { AppConfig } from "../env";
import { PrismaClient } from "./generated/client";

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
  if (config.kind === "postgres") {
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: config.url, max: POSTGRES_POOL_SIZE }),
      transactionOptions: TRANSACTION_OPTIONS,
    });
    return { prisma, close: () => prisma.$disconnect() };
  }
  if (config.kind === "pglite") mkdirSync(config.dataDir, { recursive: true });
  const pglite = new PGlite(config.kind === "pglite" ? config.dataDir : undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_OPTIONS });
  return {
    prisma,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
