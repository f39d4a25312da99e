import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { messages, TransactionAbortedError } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUTO_PREPARED_TEXTS,
  openEmbeddedDatabase,
  type EmbeddedDatabase,
  type EmbeddedTransaction,
} from "./embedded-database";

/**
 * The embedded database in its own thread answers as PGlite does in the caller's: rows parsed
 * by type, PostgreSQL's errors as DatabaseError, one session whose transactions see nothing of
 * other callers' statements, and a database that cannot open saying why.
 */
describe.runIf(process.env.TEST_DB !== "postgres")("the embedded database in its own thread", () => {
  let db: EmbeddedDatabase;
  beforeAll(async () => {
    db = openEmbeddedDatabase();
    await db.exec("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL, tags text[], at timestamptz)");
  });
  afterAll(async () => {
    await db.close();
  });

  it("answers rows parsed by their types, parameters serialized by theirs", async () => {
    const at = new Date("2026-12-07T03:00:00.123Z");
    const { rows, fields } = await db.query<Record<string, unknown>>(
      `SELECT $1::int AS n, $2::text AS s, $3::jsonb AS doc, $4::text[] AS list, $5::timestamptz AS at,
         $6::bigint[] AS ids, $7::bytea AS bytes, NULL::text AS nothing, true AS yes`,
      [42, "it's", { a: [1, "two", null] }, ["x", "y,z"], at, ["9007199254740993"], new Uint8Array([0, 255])],
    );
    expect(rows).toEqual([
      {
        n: 42,
        s: "it's",
        doc: { a: [1, "two", null] },
        list: ["x", "y,z"],
        at,
        ids: [9007199254740993n],
        bytes: new Uint8Array([0, 255]),
        nothing: null,
        yes: true,
      },
    ]);
    expect(fields.map((field) => field.name)).toEqual([
      "n",
      "s",
      "doc",
      "list",
      "at",
      "ids",
      "bytes",
      "nothing",
      "yes",
    ]);
    expect((await db.query("SELECT 1 AS a, 2 AS b", [], { rowMode: "array" })).rows).toEqual([[1, 2]]);
  });

  it("runs a prepared statement again with other values, parsed once in the session", async () => {
    for (const n of [1, 2, 3])
      expect(await db.prepared("test_twice", "SELECT $1::int + 1 AS next", [n])).toEqual([{ next: n + 1 }]);
    const { rows } = await db.query(
      "SELECT count(*)::int AS count FROM pg_prepared_statements WHERE name = 'test_twice'",
    );
    expect(rows).toEqual([{ count: 1 }]);
  });

  it("throws PostgreSQL's errors as DatabaseError with their fields, the statement with them, and goes on", async () => {
    await db.query("INSERT INTO notes (id, body) VALUES (1, 'first')");
    const failure = await db
      .query("INSERT INTO notes (id, body) VALUES ($1, $2)", [1, "again"])
      .catch((error) => error);
    expect(failure).toBeInstanceOf(messages.DatabaseError);
    expect(failure).toMatchObject({
      code: "23505",
      constraint: "notes_pkey",
      table: "notes",
      query: "INSERT INTO notes (id, body) VALUES ($1, $2)",
      params: [1, "again"],
    });
    await expect(db.prepared("test_fails", "SELECT $1::int AS n", ["twelve"])).rejects.toThrow(/invalid input syntax/);
    expect((await db.query("SELECT body FROM notes WHERE id = 1")).rows).toEqual([{ body: "first" }]);
  });

  /**
   * A transaction that runs `first`, then stays open 50 ms before `rest`: `opened` resolves once
   * `first` is done, so a caller can send a statement of its own while the transaction is open.
   */
  function openTransaction<T>(first: string, rest: (tx: EmbeddedTransaction) => Promise<T>) {
    let inside!: () => void;
    const opened = new Promise<void>((resolve) => (inside = resolve));
    const result = db.transaction(async (tx) => {
      await tx.query(first);
      inside();
      await new Promise((resolve) => setTimeout(resolve, 50));
      return rest(tx);
    });
    return { opened, result };
  }

  it("commits a transaction's statements together, and holds other callers' statements until it ends", async () => {
    const { opened, result: committed } = openTransaction(
      "INSERT INTO notes (id, body) VALUES (10, 'in the transaction')",
      async (tx) => {
        await tx.query("UPDATE notes SET body = 'committed' WHERE id = 10");
        return "done";
      },
    );
    await opened;
    // Sent while the transaction is open: it runs after the COMMIT, so it sees the end state only.
    const outside = db.query("SELECT body FROM notes WHERE id = 10");
    await expect(committed).resolves.toBe("done");
    expect((await outside).rows).toEqual([{ body: "committed" }]);
  });

  it("rolls back a transaction that throws or rolls back, and nothing of another caller's goes with it", async () => {
    const { opened, result: thrown } = openTransaction("INSERT INTO notes (id, body) VALUES (20, 'rolled back')", () =>
      Promise.reject(new Error("changed my mind")),
    );
    await opened;
    const alone = db.query("INSERT INTO notes (id, body) VALUES (21, 'on its own') RETURNING id");
    await expect(thrown).rejects.toThrow("changed my mind");
    expect((await alone).rows).toEqual([{ id: 21 }]);
    await db.transaction(async (tx) => {
      await tx.query("INSERT INTO notes (id, body) VALUES (22, 'rolled back too')");
      await tx.rollback();
      await expect(tx.query("SELECT 1")).rejects.toThrow("Transaction is closed");
    });
    expect((await db.query("SELECT id FROM notes WHERE id >= 20 ORDER BY id")).rows).toEqual([{ id: 21 }]);
  });

  it("reports a commit that PostgreSQL turned into a rollback (an error inside the transaction)", async () => {
    const aborted = db.transaction(async (tx) => {
      await tx.query("INSERT INTO notes (id, body) VALUES (30, 'lost')");
      await tx.query("SELECT 1/0").catch(() => undefined);
    });
    await expect(aborted).rejects.toBeInstanceOf(TransactionAbortedError);
    expect((await db.query("SELECT id FROM notes WHERE id = 30")).rows).toEqual([]);
  });

  it("runs a script of statements and answers each one's rows", async () => {
    const results = await db.exec("SELECT 1 AS one; SELECT 'two' AS two");
    expect(results.map((result) => result.rows)).toEqual([[{ one: 1 }], [{ two: "two" }]]);
  });
});

/**
 * Statements sent without a name (Prisma's) are prepared once and run by a name after, as the
 * thread's own: what they answer is what they would answer parsed each time.
 */
describe.runIf(process.env.TEST_DB !== "postgres")("statements sent without a name", () => {
  let db: EmbeddedDatabase;
  beforeAll(() => {
    db = openEmbeddedDatabase();
  });
  afterAll(async () => {
    await db.close();
  });

  /** The texts the thread keeps prepared under its own names. */
  async function autoPrepared(): Promise<string[]> {
    const { rows } = await db.query<{ statement: string }>(
      "SELECT statement FROM pg_prepared_statements WHERE name LIKE 'portcullis\\_auto\\_%' ORDER BY prepare_time",
    );
    return rows.map((row) => row.statement);
  }

  it("prepares a text once, also in a transaction that rolls back, and runs it by that name after", async () => {
    const text = "SELECT $1::int * 2 AS twice";
    await db.transaction(async (tx) => {
      expect((await tx.query(text, [1])).rows).toEqual([{ twice: 2 }]);
      await tx.rollback();
    });
    for (const n of [2, 3]) expect((await db.query(text, [n])).rows).toEqual([{ twice: n * 2 }]);
    expect((await autoPrepared()).filter((statement) => statement === text)).toHaveLength(1);
  });

  it("prepares again after a script or a statement that changes a table, so a query sees its columns as they are", async () => {
    await db.exec("CREATE TABLE shapes (id int PRIMARY KEY); INSERT INTO shapes VALUES (1)");
    const all = "SELECT * FROM shapes";
    expect((await db.query(all)).rows).toEqual([{ id: 1 }]);
    await db.exec("ALTER TABLE shapes ADD COLUMN name text NOT NULL DEFAULT 'circle'");
    expect((await db.query(all)).rows).toEqual([{ id: 1, name: "circle" }]);
    await db.query("ALTER TABLE shapes ADD COLUMN sides int");
    expect((await db.query(all)).rows).toEqual([{ id: 1, name: "circle", sides: null }]);
    await db.transaction(async (tx) => {
      await tx.query("/* in a transaction */ ALTER TABLE shapes DROP COLUMN name");
      expect((await tx.query(all)).rows).toEqual([{ id: 1, sides: null }]);
    });
    expect((await db.query(all)).rows).toEqual([{ id: 1, sides: null }]);
  });

  it("keeps the texts used last, and closes the one used longest ago", async () => {
    const text = (n: number) => `SELECT ${n}::int AS n`;
    for (let n = 0; n < AUTO_PREPARED_TEXTS; n++) expect((await db.query(text(n))).rows).toEqual([{ n }]);
    await db.query(text(0));
    // Two more texts, this one and the query of what is prepared: 1 and 2 are closed, 0 was used again.
    await db.query(text(AUTO_PREPARED_TEXTS));
    const kept = await autoPrepared();
    expect(kept).toHaveLength(AUTO_PREPARED_TEXTS);
    expect(kept).toContain(text(0));
    expect(kept).not.toContain(text(1));
    expect(kept).not.toContain(text(2));
    expect(kept).toContain(text(AUTO_PREPARED_TEXTS));
    expect((await db.query(text(1))).rows).toEqual([{ n: 1 }]);
  });

  it("keeps nothing of a text that does not parse: it fails the same way each time", async () => {
    for (let attempt = 0; attempt < 2; attempt++)
      await expect(db.query("SELEC 1 AS typo")).rejects.toMatchObject({ code: "42601" });
    expect(await autoPrepared()).not.toContain("SELEC 1 AS typo");
  });
});

describe.runIf(process.env.TEST_DB !== "postgres")("an embedded database that cannot open or is closed", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "portcullis-embedded-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("fails every request with why it could not open, and closes", async () => {
    const notADirectory = path.join(dir, "a-file");
    await writeFile(notADirectory, "not a database");
    const db = openEmbeddedDatabase(notADirectory);
    await expect(db.waitReady).rejects.toThrow();
    await expect(db.query("SELECT 1")).rejects.toThrow();
    await db.close();
  });

  it("fails requests after it is closed, and keeps its data on disk for the next open", async () => {
    const dataDir = path.join(dir, "data");
    const first = openEmbeddedDatabase(dataDir);
    await first.exec("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)");
    await first.close();
    await expect(first.query("SELECT 1")).rejects.toThrow(/ended/);
    const second = openEmbeddedDatabase(dataDir);
    expect((await second.query("SELECT n FROM kept")).rows).toEqual([{ n: 7 }]);
    await second.close();
  });

  it("does not keep the process alive once idle", () => {
    // A process that opens the database, runs a statement and never closes it still exits.
    const script = `import { openEmbeddedDatabase } from ${JSON.stringify(path.resolve(import.meta.dirname, "embedded-database.ts"))};
      const db = openEmbeddedDatabase();
      const { rows } = await db.query("SELECT 41 + 1 AS answer");
      console.log(rows[0].answer);`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stdout.trim()).toBe("42");
    expect(run.status).toBe(0);
  });
});
