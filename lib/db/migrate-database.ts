import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import type { AppConfig } from "../env";
import { migrate, readMigrations, type MigrationResult } from "./migrator";
import { pgliteSession, postgresSession, type SqlSession } from "./sql-session";

/** Used by the launcher, `npm run db:migrate` and tests; never bundled into the web server. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

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
  mkdirSync(config.dataDir, { recursive: true });
  const pglite = new PGlite(config.dataDir);
  await pglite.waitReady;
  return pgliteSession(pglite, { closeOnEnd: true });
}
