import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";

/**
 * Generates the Prisma client into lib/db/generated when prisma/schema.prisma changed.
 * `prisma generate` does not need Prisma's schema engine, but its CLI insists on finding
 * one and would try to download it (no internet here), so we point it at any executable.
 */
const root = path.resolve(import.meta.dirname, "..");
const schema = path.join(root, "prisma/schema.prisma");
const stamp = path.join(root, "lib/db/generated/.schema-hash");

export function generatePrismaClient({ force = false } = {}): void {
  const hash = createHash("sha256").update(readFileSync(schema)).digest("hex");
  if (!force && existsSync(stamp) && readFileSync(stamp, "utf8") === hash && statSync(stamp).isFile()) return;
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/prisma/build/index.js"), "generate", "--schema", schema],
    {
      cwd: root,
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
        CHECKPOINT_DISABLE: "1",
      },
      encoding: "utf8",
    },
  );
  if (result.status !== 0) {
    throw new Error(`prisma generate failed:\n${result.stdout}\n${result.stderr}`);
  }
  writeFileSync(stamp, hash);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  generatePrismaClient({ force: process.argv.includes("--force") });
  console.log("Prisma client generated in lib/db/generated");
}
