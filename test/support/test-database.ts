import { randomBytes } from "node:crypto";
import { openEmbeddedDatabase } from "../../lib/db/embedded-database";
import pg from "pg";
import type { PrismaClient } from "../../lib/db/generated/client";
import { migrate, readMigrations } from "../../lib/db/migrator";
import { backgroundWorkSettled } from "../../lib/db/background-work";
import { MIGRATIONS_DIR, migrateDatabase } from "../../lib/db/migrate-database";
import { pgliteDatabase, postgresDatabase } from "../../lib/db/open-database";
import { pgliteSession, postgresSession, type SqlSession } from "../../lib/db/sql-session";

/**
 * A fresh, migrated database for one integration test file, on the engine TEST_DB names:
 * `pglite` (default; in memory) or `postgres` (a new database on TEST_DATABASE_URL's
 * server, dropped afterwards). On PostgreSQL the app's client signs in as a runtime role of
 * its own, migrated and granted as production does (MIGRATION_DATABASE_URL ≠ DATABASE_URL).
 */
export interface TestDatabase {
  engine: "pglite" | "postgres";
  /** The application's client: the runtime role on PostgreSQL. */
  prisma: PrismaClient;
  /** A second client on its own connections, as a second Portcullis instance would have (PGlite: its own client on the same database). */
  second: PrismaClient;
  /** The owner of the schema (what MIGRATION_DATABASE_URL signs in as); on PGlite the only role. */
  owner: PrismaClient;
  /** One raw SQL connection as the owner (PGlite: the database itself), for fixtures that only the owner may load. */
  ownerSession(): Promise<SqlSession>;
  /** Connection strings of the created PostgreSQL database (postgres engine only). */
  url?: string;
  ownerUrl?: string;
  close(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export function testEngine(): "pglite" | "postgres" {
  const engine = process.env.TEST_DB ?? "pglite";
  if (engine !== "pglite" && engine !== "postgres")
    throw new Error(`TEST_DB must be pglite or postgres, not ${engine}`);
  return engine;
}

/**
 * `poolSize`: PostgreSQL connections of each client; tests keep it small (two test files run
 * at once), benchmarks pass the app's own (POSTGRES_POOL_SIZE) so they measure what runs.
 */
export async function createTestDatabase({ poolSize = 5 }: { poolSize?: number } = {}): Promise<TestDatabase> {
  if (testEngine() === "pglite") {
    const pglite = openEmbeddedDatabase();
    await migrate(pgliteSession(pglite, { closeOnEnd: false }), await readMigrations(MIGRATIONS_DIR));
    const database = pgliteDatabase(pglite);
    const prisma = database.prisma;
    // Its own Prisma client on the same embedded database: a second process cannot open it.
    const second = pgliteDatabase(pglite).prisma;
    return {
      engine: "pglite",
      prisma,
      second,
      owner: prisma,
      ownerSession: async () => pgliteSession(pglite, { closeOnEnd: false }),
      async close() {
        await backgroundWorkSettled(second);
        await second.$disconnect();
        await database.close();
      },
    };
  }
  const ownerUrl = await createScratchPostgresDatabase();
  const url = await createRuntimeRole(ownerUrl);
  await migrateDatabase({ kind: "postgres", url, migrationUrl: ownerUrl });
  const clients = [url, url, ownerUrl].map((connectionString) => postgresDatabase(connectionString, poolSize));
  const [prisma, second, owner] = clients.map((client) => client.prisma) as [PrismaClient, PrismaClient, PrismaClient];
  return {
    engine: "postgres",
    prisma,
    second,
    owner,
    url,
    ownerUrl,
    ownerSession: () => postgresSession(ownerUrl),
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await dropScratchPostgresDatabase(ownerUrl);
    },
  };
}

/** Creates an empty database next to TEST_DATABASE_URL's and returns its URL. */
export async function createScratchPostgresDatabase(): Promise<string> {
  const name = `portcullis_test_${randomBytes(6).toString("hex")}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A login role for one scratch database (named after it), and the database's URL as that role. */
async function createRuntimeRole(ownerUrl: string): Promise<string> {
  const url = new URL(ownerUrl);
  const role = `${url.pathname.slice(1)}_app`;
  await withAdmin((client) => client.query(`CREATE ROLE "${role}" LOGIN`));
  url.username = role;
  url.password = "";
  return url.toString();
}

/** Drops a scratch database and the runtime role made for it, if any. */
export async function dropScratchPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`DROP ROLE IF EXISTS "${name}_app"`);
  });
}

/** Runs `work` on a connection to TEST_DATABASE_URL as its (admin) user. */
export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
