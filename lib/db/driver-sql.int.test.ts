import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { driverSqlOf } from "./driver-sql";
import { Prisma } from "./generated/client";

/**
 * Prepared statements (DriverSqlOptions.prepared) answer exactly what the same statement answers
 * unprepared, on both engines: values serialized by their parameter's type, rows parsed alike, a
 * failure reported and the session usable after it, and two clients of one database (PGlite: one
 * session) sharing the statements.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const statement = (id: string, label: string, at: Date, ids: string[], doc: unknown) => Prisma.sql`
  SELECT ${id}::uuid AS id, ${label} AS label, ${at.toISOString()}::timestamptz AS at,
    ${ids}::bigint[] AS ids, ${JSON.stringify(doc)}::jsonb AS doc, ${null}::text AS nothing,
    cardinality(${ids}::bigint[])::text AS count, ${label} = 'it''s' AS quoted`;

describe("prepared driver statements", () => {
  it("answer the rows the unprepared statement answers, run after run with other values", async () => {
    const driver = driverSqlOf(database.prisma);
    for (const [label, ids] of [
      ["first", ["1", "2"]],
      ["it's", []],
      ["third", ["9007199254740993"]],
    ] as const) {
      const sql = statement(crypto.randomUUID(), label, new Date(), [...ids], { label, nested: [1, "two", null] });
      const prepared = await driver.query(sql, { prepared: true });
      expect(prepared).toEqual(await driver.query(sql));
      expect(prepared).toHaveLength(1);
    }
  });

  it("report a failure and leave the session ready for the next statement", async () => {
    const driver = driverSqlOf(database.prisma);
    const failing = (value: string) => Prisma.sql`SELECT ${value}::int AS n`;
    await expect(driver.query(failing("12"), { prepared: true })).resolves.toEqual([{ n: 12 }]);
    await expect(driver.query(failing("twelve"), { prepared: true })).rejects.toThrow(/invalid input syntax/);
    await expect(driver.query(failing("13"), { prepared: true })).resolves.toEqual([{ n: 13 }]);
    await expect(driver.query(Prisma.sql`SELECT 1 AS one`)).resolves.toEqual([{ one: 1 }]);
  });

  it("are shared by the clients of one database", async () => {
    const sql = Prisma.sql`SELECT ${"shared"} AS label`;
    for (const client of [database.prisma, database.second, database.prisma])
      await expect(driverSqlOf(client).query(sql, { prepared: true })).resolves.toEqual([{ label: "shared" }]);
  });

  it("commit on their own, never inside another caller's open transaction (PGlite has one session)", async () => {
    const variable = (name: string) => Prisma.sql`
      INSERT INTO environment_variables (environment, name, value, updated_by)
      VALUES ('driver-sql', ${name}, 'v', 'test') RETURNING name`;
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const rolledBack = database.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO environment_variables (environment, name, value, updated_by)
        VALUES ('driver-sql', 'in_the_transaction', 'v', 'test')`;
      opened();
      await new Promise((resolve) => setTimeout(resolve, 100));
      throw new Error("rolled back");
    });
    await open;
    const alone = driverSqlOf(database.prisma).query(variable("on_its_own"), { prepared: true });
    await expect(rolledBack).rejects.toThrow("rolled back");
    await expect(alone).resolves.toEqual([{ name: "on_its_own" }]);
    const stored = await database.prisma.environmentVariable.findMany({ where: { environment: "driver-sql" } });
    expect(stored.map((row) => row.name)).toEqual(["on_its_own"]);
  });
});
