import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { AppError } from "../errors";
import type { SqlSession } from "./sql-session";

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own transaction
 * together with its ledger row, so a failing migration leaves the database as it was.
 * The ledger is Prisma's `_prisma_migrations` table (same columns, same sha256 checksum), so
 * `prisma migrate deploy` stays compatible where Prisma's engine can run.
 *
 * Several app instances may start at once against one PostgreSQL: a session advisory lock
 * (the same key Prisma Migrate uses) makes them take turns; the later ones find nothing to do.
 */
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export async function readMigrations(migrationsDir: string): Promise<Migration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export async function migrate(session: SqlSession, migrations: Migration[]): Promise<MigrationResult> {
  await session.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const ledger = await session.query<LedgerRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const done = checkLedger(ledger, migrations);
    const result: MigrationResult = { applied: [], alreadyApplied: [...done] };
    for (const migration of migrations.filter((m) => !done.has(m.name))) {
      await applyOne(session, migration);
      result.applied.push(migration.name);
    }
    return result;
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
  }
}

/** Returns the names already applied; refuses a ledger this code cannot safely continue. */
function checkLedger(ledger: LedgerRow[], migrations: Migration[]): Set<string> {
  const known = new Map(migrations.map((m) => [m.name, m]));
  const done = new Set<string>();
  for (const row of ledger) {
    const migration = known.get(row.migration_name);
    if (row.finished_at === null) {
      throw new AppError(
        "config",
        `Migration ${row.migration_name} is recorded as started but never finished (a failed \`prisma migrate\` run?). Resolve it before starting Portcullis.`,
      );
    }
    if (!migration) {
      throw new AppError(
        "config",
        `The database has migration ${row.migration_name}, which this version of Portcullis does not have. Run the newer version or restore the database.`,
      );
    }
    if (migration.checksum !== row.checksum) {
      throw new AppError(
        "config",
        `Migration ${row.migration_name} was changed after it was applied (checksum differs). Migrations are immutable: add a new one instead.`,
      );
    }
    done.add(row.migration_name);
  }
  return done;
}

async function applyOne(session: SqlSession, migration: Migration): Promise<void> {
  await session.exec("BEGIN");
  try {
    await session.exec(migration.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count, started_at)
       VALUES ($1, $2, now(), $3, 1, now())`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await session.exec("COMMIT");
  } catch (error) {
    await session.exec("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError(
      "config",
      `Migration ${migration.name} failed and was rolled back, leaving the database as it was: ${reason}`,
      {
        cause: error,
      },
    );
  }
}
