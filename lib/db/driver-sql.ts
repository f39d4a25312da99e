import { createHash } from "node:crypto";
import type pg from "pg";
import { findClientState, setClientState } from "./client-state";
import type { EmbeddedDatabase } from "./embedded-database";
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
  query<Row>(sql: Prisma.Sql, options?: DriverSqlOptions): Promise<Row[]>;
  /**
   * Every statement of every caller runs alone, one after another in one session (PGlite): a
   * statement sees the database as it is and nothing else happens until it has committed (the
   * audit chain relies on it, lib/audit/chain-in-statement.ts).
   */
  serial?: true;
}

export interface DriverSqlOptions {
  /**
   * The statement is one of a few fixed texts sent again and again (an apply's statements, the
   * chain's group commit), so PostgreSQL keeps it parsed on each connection (a named prepared
   * statement): parsing and planning these WITH lists cost the server more than executing them
   * (bench/README.md, "Where an apply waits"). Never for a text that grows with its input (a
   * VALUES row per item): each text stays prepared on every connection of the pool (on PGlite,
   * in its one session).
   */
  prepared?: boolean;
}

/** Names of the texts prepared so far: few fixed texts (DriverSqlOptions.prepared), each hashed once. */
const statementNames = new Map<string, string>();

/**
 * Prepared statements of a text: named by it, the same on every connection (or PGlite). Looking
 * a text up costs ~0.3 µs against ~5 µs for hashing its few KiB again on every execution.
 */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `portcullis_${createHash("sha256").update(text).digest("base64url").slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}

export function postgresDriverSql(pool: pg.Pool): DriverSql {
  return {
    async query<Row>(sql: Prisma.Sql, options?: DriverSqlOptions) {
      const { text, values } = sql;
      if (!options?.prepared) return (await pool.query(text, values)).rows as Row[];
      // pg sends the text to a connection only the first time that connection runs the name.
      return (await pool.query({ name: statementName(text), text, values })).rows as Row[];
    },
  };
}

export function pgliteDriverSql(pglite: EmbeddedDatabase): DriverSql {
  return {
    serial: true,
    async query<Row>(sql: Prisma.Sql, options?: DriverSqlOptions) {
      if (!options?.prepared) return (await pglite.query<Row>(sql.text, sql.values)).rows;
      // Parsed once per session, then Bind/Describe/Execute/Sync as one message (a claim: 2.4–2.9 ms → 0.36 ms).
      return pglite.prepared<Row>(statementName(sql.text), sql.text, sql.values);
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
