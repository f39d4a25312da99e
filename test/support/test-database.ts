import { randomBytes } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import pg from "pg";
import { PrismaClient } from "../../lib/db/generated/client";
import { migrate, readMigrations } from "../../lib/db/migrator";
import { MIGRATIONS_DIR } from "../../lib/db/migrate-database";
import { pgliteSession, postgresSession } from "../../lib/db/sql-session";

/**
 * A fresh, migrated database for one integration test file, on the engine TEST_DB names:
 * `pglite` (default; in memory) or `postgres` (a new database on TEST_DATABASE_URL's
 * server, dropped afterwards).
 */
export interface TestDatabase {
  engine: "pglite" | "postgres";
  prisma: PrismaClient;
  /** Connection string of the created PostgreSQL database (postgres engine only). */
  url?: string;
  close(): Promise<void>;
}

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export function testEngine(): "pglite" | "postgres" {
  const engine = process.env.TEST_DB ?? "pglite";
  if (engine !== "pglite" && engine !== "postgres")
    throw new Error(`TEST_DB must be pglite or postgres, not ${engine}`);
  return engine;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const migrations = await readMigrations(MIGRATIONS_DIR);
  if (testEngine() === "pglite") {
    const pglite = new PGlite();
    await migrate(pgliteSession(pglite, { closeOnEnd: false }), migrations);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      engine: "pglite",
      prisma,
      async close() {
        await prisma.$disconnect();
        await pglite.close();
      },
    };
  }
  const url = await createScratchPostgresDatabase();
  const session = await postgresSession(url);
  try {
    await migrate(session, migrations);
  } finally {
    await session.close();
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 5 }) });
  return {
    engine: "postgres",
    prisma,
    url,
    async close() {
      await prisma.$disconnect();
      await dropScratchPostgresDatabase(url);
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

export async function dropScratchPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
