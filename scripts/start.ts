import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { generatePrismaClient } from "./generate-prisma-client";
import { buildIfStale } from "./build-if-stale";
import { exitWithStartupError } from "./startup-error";

/**
 * `npm start`: validates the configuration, migrates the database, builds when the sources
 * changed, then serves the console. With no Azure configuration it first starts the sandbox
 * (local identity provider and APIM simulator) and hands its coordinates to the web server
 * through the same variables real Azure uses. With real configuration no sandbox code runs.
 */
const root = path.resolve(import.meta.dirname, "..");
const children: ChildProcess[] = [];

function shutdown(code: number): never {
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  process.exit(code);
}
process.on("SIGINT", () => shutdown(130));
process.on("SIGTERM", () => shutdown(143));

try {
  generatePrismaClient();
  const { loadConfig } = await import("../lib/env");
  const config = loadConfig();
  const { migrateDatabase } = await import("../lib/db/migrate-database");
  const migrated = await migrateDatabase(config.database);
  if (migrated.applied.length > 0) console.log(`Database migrated: ${migrated.applied.join(", ")}`);
  const { auditProtectionWeakness } = await import("../lib/db/runtime-role");
  const weakness = await auditProtectionWeakness(config.database);
  if (weakness) console.warn(`Warning: the audit history is less protected: ${weakness}`);
  buildIfStale(root);

  let env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  if (config.entra === undefined) {
    const { startSandboxHost } = await import("./sandbox-host");
    env = { ...env, ...(await startSandboxHost(config, root, children, shutdown)) };
  }

  // `next start`, plus the methods Next.js cannot take (serve-app.ts).
  const next = spawn(process.execPath, ["--import", "tsx", path.join(root, "scripts/serve-app.ts")], {
    cwd: root,
    env: { ...env, PORT: String(config.port), NODE_ENV: "production" },
    stdio: "inherit",
  });
  children.push(next);
  next.on("exit", (code) => shutdown(code ?? 1));
  console.log(`Portcullis is starting on ${config.appUrl}${config.entra ? "" : " (sandbox mode)"}`);
} catch (error) {
  for (const child of children) child.kill("SIGTERM");
  exitWithStartupError(error);
}
