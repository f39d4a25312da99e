import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openEmbeddedDatabase } from "./embedded-database";
import type { AppConfig } from "../env";
import { migrate, readMigrations, type MigrationResult } from "./migrator";
import { grantRuntimeRole, runtimeRoleOf } from "./runtime-role";
import { pgliteSession, postgresSession, type SqlSession } from "./sql-session";

/** Used by the launcher, `npm run db:migrate` and tests; never bundled into the web server. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export interface DatabaseMigration extends MigrationResult {
  /** The runtime role given its privileges, when it is not the role that migrates. */
  runtimeRole: string | null;
}

/**
 * Applies pending migrations with a dedicated connection (on PostgreSQL, as the owner of
 * MIGRATION_DATABASE_URL), then grants the runtime role of DATABASE_URL what it needs and no
 * more (README, "PostgreSQL roles"), and closes the connection.
 */
export async function migrateDatabase(config: AppConfig["database"]): Promise<DatabaseMigration> {
  const session = await openSqlSession(config);
  try {
    const result = await migrate(session, await readMigrations(MIGRATIONS_DIR));
    if (config.kind !== "postgres") return { ...result, runtimeRole: null };
    const [owner, runtime] = await Promise.all([
      session.query<{ role: string }>("SELECT current_user AS role").then((rows) => rows[0]!.role),
      runtimeRoleOf(config.url),
    ]);
    if (runtime === owner) return { ...result, runtimeRole: null };
    await grantRuntimeRole(session, runtime);
    return { ...result, runtimeRole: runtime };
  } finally {
    await session.close();
  }
}

async function openSqlSession(config: AppConfig["database"]): Promise<SqlSession> {
  if (config.kind === "postgres") return postgresSession(config.migrationUrl);
  mkdirSync(config.dataDir, { recursive: true });
  const pglite = openEmbeddedDatabase(config.dataDir);
  await pglite.waitReady;
  return pgliteSession(pglite, { closeOnEnd: true });
}
