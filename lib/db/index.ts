import { loadConfig } from "../env";
import type { PrismaClient } from "./generated/client";
import { openDatabase, type Database } from "./open-database";

export type { PrismaClient } from "./generated/client";
export { Prisma } from "./generated/client";

/**
 * The application's one database handle. Kept on globalThis so that Next.js development
 * reloads and the many route modules of a production server share one connection pool
 * (and, on PGlite, the one process-wide embedded database).
 */
const holder = globalThis as typeof globalThis & { __portcullisDb?: Database };

export function getDb(): PrismaClient {
  holder.__portcullisDb ??= openDatabase(loadConfig().database);
  return holder.__portcullisDb.prisma;
}

/** Replaces the database handle (tests and the launcher); returns the previous one. */
export function setDb(database: Database | undefined): Database | undefined {
  const previous = holder.__portcullisDb;
  holder.__portcullisDb = database;
  return previous;
}
