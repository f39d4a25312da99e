import { openEmbeddedDatabase } from "./embedded-database";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { Prisma } from "./generated/client";
import { migrate, readMigrations, type Migration } from "./migrator";
import { MIGRATIONS_DIR } from "./migrate-database";
import { pgliteSession, postgresSession, type SqlSession } from "./sql-session";
import {
  createScratchPostgresDatabase,
  createTestDatabase,
  dropScratchPostgresDatabase,
  testEngine,
} from "../../test/support/test-database";

const engine = testEngine();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An empty database on the engine under test, with a way to open more connections to it. */
async function emptyDatabase(): Promise<{ open: () => Promise<SqlSession> }> {
  if (engine === "pglite") {
    const pglite = openEmbeddedDatabase();
    cleanups.push(() => pglite.close());
    return { open: async () => pgliteSession(pglite, { closeOnEnd: false }) };
  }
  const url = await createScratchPostgresDatabase();
  const sessions: SqlSession[] = [];
  cleanups.push(async () => {
    await Promise.all(sessions.map((s) => s.close()));
    await dropScratchPostgresDatabase(url);
  });
  return {
    open: async () => {
      const session = await postgresSession(url);
      sessions.push(session);
      return session;
    },
  };
}

async function tableNames(session: SqlSession): Promise<string[]> {
  const rows = await session.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

describe(`migrations on ${engine}`, () => {
  it("creates the schema on a fresh database and records every migration in Prisma's ledger", async () => {
    const db = await emptyDatabase();
    const session = await db.open();
    const migrations = await readMigrations(MIGRATIONS_DIR);
    expect(migrations.length).toBeGreaterThan(0);

    const result = await migrate(session, migrations);

    expect(result.applied).toEqual(migrations.map((m) => m.name));
    const ledger = await session.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(ledger.map((r) => [r.migration_name, r.checksum])).toEqual(migrations.map((m) => [m.name, m.checksum]));
    expect(ledger.every((r) => r.finished_at !== null)).toBe(true);
    expect(await tableNames(session)).toContain("audit_events");
  });

  it("does nothing when run again", async () => {
    const db = await emptyDatabase();
    const session = await db.open();
    const migrations = await readMigrations(MIGRATIONS_DIR);
    await migrate(session, migrations);
    const before = await session.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);

    const again = await migrate(session, migrations);

    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied.sort()).toEqual(migrations.map((m) => m.name));
    expect(await session.query(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).toEqual(before);
  });

  it("rolls back a failing migration completely and names it", async () => {
    const db = await emptyDatabase();
    const session = await db.open();
    const migrations = await readMigrations(MIGRATIONS_DIR);
    await migrate(session, migrations);
    const broken: Migration = {
      name: "29991231000000_broken",
      sql: `CREATE TABLE "half_done" (id int); INSERT INTO "half_done" VALUES (1); SELECT 1 / 0;`,
      checksum: "x".repeat(64),
    };

    const failure = await migrate(session, [...migrations, broken]).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).message).toMatch(/29991231000000_broken failed and was rolled back.*division by zero/);
    expect(await tableNames(session)).not.toContain("half_done");
    const recorded = await session.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = $1`, [broken.name]);
    expect(recorded).toHaveLength(0);
  });

  it("refuses to continue when an applied migration was edited", async () => {
    const db = await emptyDatabase();
    const session = await db.open();
    const migrations = await readMigrations(MIGRATIONS_DIR);
    await migrate(session, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));

    await expect(migrate(session, edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it("refuses a database that has a migration this version does not know", async () => {
    const db = await emptyDatabase();
    const session = await db.open();
    const migrations = await readMigrations(MIGRATIONS_DIR);
    await migrate(session, migrations);

    await expect(migrate(session, migrations.slice(1))).rejects.toThrow(/does not have/);
  });

  it.runIf(engine === "postgres")(
    "lets two instances starting at once take turns: each migration applied exactly once",
    async () => {
      const db = await emptyDatabase();
      const migrations = await readMigrations(MIGRATIONS_DIR);
      const [a, b, c] = await Promise.all([db.open(), db.open(), db.open()]);

      const results = await Promise.all([migrate(a!, migrations), migrate(b!, migrations), migrate(c!, migrations)]);

      const appliedBy = results.map((r) => r.applied.length);
      expect(appliedBy.sort()).toEqual([0, 0, migrations.length]);
      const ledger = await a!.query<{ migration_name: string; n: string }>(
        `SELECT migration_name, count(*)::text AS n FROM "_prisma_migrations" GROUP BY migration_name`,
      );
      expect(ledger.map((r) => r.n)).toEqual(migrations.map(() => "1"));
    },
  );
});

describe(`schema on ${engine}`, () => {
  it("has a table with every column of every Prisma model, and no table Prisma does not know", async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    const prisma = database.prisma as unknown as Record<string, { findMany(args: object): Promise<unknown[]> }>;

    // findMany selects every scalar column of the model, so a missing or renamed column fails here.
    for (const model of Object.values(Prisma.ModelName)) {
      const delegate = prisma[model.charAt(0).toLowerCase() + model.slice(1)]!;
      await expect(delegate.findMany({ take: 1 })).resolves.toBeInstanceOf(Array);
    }
    // As the owner: information_schema lists only the tables the asking role has privileges on.
    const tables = await database.owner.$queryRawUnsafe<Array<{ table_name: string }>>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      [
        "_prisma_migrations",
        "access_profile_versions",
        "api_locks",
        "apis",
        "audit_actors",
        "audit_chain_head",
        "audit_checkpoints",
        "audit_events",
        "audit_pending",
        "audit_time_order",
        "change_set_approvals",
        "change_set_items",
        "change_sets",
        "deployment_steps",
        "deployments",
        "environment_variables",
        "instance_settings_change_approvals",
        "instance_settings_changes",
        "instances",
        "plan_approvals",
        "plans",
        "probe_budgets",
        "profile_template_versions",
        "profile_templates",
        "scheduled_jobs",
        "secret_rotations",
        "secrets",
        "sessions",
        "sign_in_requests",
        "verification_batches",
        "verification_probes",
        "verifications",
        "webhook_deliveries",
        "webhooks",
      ].sort(),
    );
    expect(Object.values(Prisma.ModelName)).toHaveLength(tables.length - 1);
  });

  it("refuses UPDATE, DELETE and TRUNCATE on audit events", async () => {
    const database = await createTestDatabase();
    cleanups.push(() => database.close());
    // The owner's connection: these are the triggers, which hold even for the role that owns the table.
    const owner = database.owner;
    await owner.$executeRawUnsafe(`INSERT INTO audit_events (seq, id, time, actor_type, actor_oid, actor_name, action, target_type, target_id, outcome, prev_hash, hash)
      VALUES (1, gen_random_uuid(), now(), 'user', 'o', 'n', 'test', 't', '1', 'success', '${"0".repeat(64)}', '${"a".repeat(64)}')`);

    await expect(owner.$executeRawUnsafe(`UPDATE audit_events SET action = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(owner.$executeRawUnsafe(`DELETE FROM audit_events`)).rejects.toThrow(/append-only/);
    await expect(owner.$executeRawUnsafe(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
    const rows = await database.prisma.$queryRawUnsafe<Array<{ action: string }>>(`SELECT action FROM audit_events`);
    expect(rows).toEqual([{ action: "test" }]);
  });
});
