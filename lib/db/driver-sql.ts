import type { PGlite } from "@electric-sql/pglite";
import type pg from "pg";
import { findClientState, setClientState } from "./client-state";
import { Prisma, type PrismaClient } from "./generated/client";

const DRIVER_SQL = "driverSql";

/**
 * Statements of the hot paths (an apply's writes, the audit chain's group commit) sent straight
 * to the driver: Prisma's raw query path costs more CPU per statement than the database spends
 * on these short statements (bench/README.md, "Apply a profile change to 200 APIs"). The SQL is
 * a `Prisma.sql` template, so it is written and parameterised exactly as for `$queryRaw`. Rows
 * come as the driver parses them, which the two engines do alike for booleans, text, arrays,
 * json and times but not for int8 (pg: a string; PGlite: a number): cast int8 to text.
 */
export interface DriverSql {
  query<Row>(sql: Prisma.Sql): Promise<Row[]>;
}

export function postgresDriverSql(pool: pg.Pool): DriverSql {
  return {
    async query<Row>(sql: Prisma.Sql) {
      return (await pool.query(sql.text, sql.values)).rows as Row[];
    },
  };
}

export function pgliteDriverSql(pglite: PGlite): DriverSql {
  return {
    async query<Row>(sql: Prisma.Sql) {
      return (await pglite.query<Row>(sql.text, sql.values)).rows;
    },
  };
}

/** Makes `driver` the one `driverSqlOf(prisma)` answers (the database handles of the app, tests and benchmarks). */
export function registerDriverSql(prisma: PrismaClient, driver: DriverSql): void {
  setClientState(prisma, DRIVER_SQL, driver);
}

/** The driver of `prisma`; a client opened elsewhere gets Prisma's raw queries (slower, same rows but int8). */
export function driverSqlOf(prisma: PrismaClient): DriverSql {
  return (
    findClientState<DriverSql>(prisma, DRIVER_SQL) ?? { query: <Row>(sql: Prisma.Sql) => prisma.$queryRaw<Row[]>(sql) }
  );
}
