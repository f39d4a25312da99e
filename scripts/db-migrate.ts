import { generatePrismaClient } from "./generate-prisma-client";
import { exitWithStartupError } from "./startup-error";

/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
try {
  generatePrismaClient();
  const { loadConfig } = await import("../lib/env");
  const { migrateDatabase } = await import("../lib/db/migrate-database");
  const result = await migrateDatabase(loadConfig().database);
  console.log(result.applied.length ? `Applied ${result.applied.join(", ")}` : "The database is up to date.");
  if (result.runtimeRole) console.log(`Granted the runtime role ${result.runtimeRole} its privileges.`);
} catch (error) {
  exitWithStartupError(error);
}
