import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { AppConfig } from "../env";
import { PrismaClient } from "./generated/client";
import { migrate, readMigrations, type MigrationResult } from "./migrator";
import { pgliteSession, postgresSession, type SqlSession } from "./sql-session";

export type DatabaseConfig = AppConfig["database"] | { kind: "pglite-memory" };

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export interface Database {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** A Prisma client on the configured engine. Connections open lazily on first query. */
export function openDatabase(config: DatabaseConfig): Database {
  if (config.kind === "postgres") {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: config.url, max: 10 }) });
    return { prisma, close: () => prisma.$disconnect() };
  }
  const pglite = new PGlite(config.kind === "pglite" ? config.dataDir : undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

/** Applies pending migrations with a dedicated connection, then closes it. */
export async function migrateDatabase(config: AppConfig["database"]): Promise<MigrationResult> {
  const session = await openSqlSession(config);
  try {
    return await migrate(session, await readMigrations(MIGRATIONS_DIR));
  } finally {
    await session.close();
  }
}

async function openSqlSession(config: AppConfig["database"]): Promise<SqlSession> {
  if (config.kind === "postgres") return postgresSession(config.url);
  const pglite = new PGlite(config.dataDir);
  await pglite.waitReady;
  return pgliteSession(pglite, { closeOnEnd: true });
}
