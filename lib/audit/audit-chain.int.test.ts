import { randomUUID } from "node:crypto";
import diagnosticsChannel from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { Prisma, type PrismaClient } from "../db";
import {
  AUDIT_CHAIN_WAIT_CHANNEL,
  appendAuditEvent,
  auditedStatement,
  auditedTransaction,
  recordAuditEvent,
  runAudited,
  type QueuedEvent,
} from "./append-audit-event";
import { backgroundWorkSettled } from "../db/background-work";
import { driverSqlOf, registerDriverSql } from "../db/driver-sql";
import type { AuditInput } from "./audit-input";
import { canonicalJson } from "./canonical-json";
import { BACKGROUND_CHAIN_DELAY_MS, chainWaitingEvents, chainWaitingEventsSoon } from "./chain-sequencer";
import { hashAuditEvent } from "./event-hash";
import { toHashedFields } from "./stored-event";
import { verifyAuditChain } from "./verify-audit-chain";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const alice = { type: "user" as const, oid: "11111111-1111-1111-1111-111111111111", tid: "t", name: "Alice" };
const event = (action: string, extra: Partial<AuditInput> = {}): AuditInput => ({
  actor: alice,
  action,
  target: { type: "api", id: "api-1" },
  outcome: "success",
  ...extra,
});

/** Alters stored events the way the database owner could. */
async function tamper(sql: string): Promise<void> {
  await database.owner.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
  try {
    await database.owner.$executeRawUnsafe(sql);
  } finally {
    await database.owner.$executeRawUnsafe(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
  }
}

/** Counts the statements sent to the driver (sequencer runs included), and each one's parameters, until `stop`. */
function countStatements(): { readonly count: number; readonly parameters: number[]; stop(): void } {
  const driver = driverSqlOf(database.prisma);
  const parameters: number[] = [];
  registerDriverSql(database.prisma, {
    ...driver,
    query: (sql, options) => {
      parameters.push(sql.values.length);
      return driver.query(sql, options);
    },
  });
  return {
    get count() {
      return parameters.length;
    },
    parameters,
    stop: () => registerDriverSql(database.prisma, driver),
  };
}

async function head(): Promise<{ last_seq: bigint; last_hash: string }> {
  const [row] = await database.prisma.$queryRawUnsafe<Array<{ last_seq: bigint; last_hash: string }>>(
    `SELECT last_seq, last_hash FROM audit_chain_head`,
  );
  return row!;
}

/** An insert made directly with SQL, the way someone holding the runtime credentials could try. */
function forgedInsert(seq: bigint | string, prevHash: string, time = "now()"): Promise<number> {
  return database.prisma.$executeRawUnsafe(
    `INSERT INTO audit_events (seq, id, time, actor_type, actor_oid, actor_name, action, target_type, target_id, outcome, prev_hash, hash)
     VALUES (${seq}, gen_random_uuid(), ${time}, 'user', 'mallory', 'Mallory', 'forged', 'api', 'x', 'success', '${prevHash}', '${"f".repeat(64)}')`,
  );
}

describe(`audit hash chain on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("chains events and verifies them, with JSON before/after surviving the database round trip", async () => {
    await recordAuditEvent(
      database.prisma,
      event("profile.save", { before: { b: 1, a: [1, "x"] }, after: { z: { y: null } } }),
    );
    await recordAuditEvent(database.prisma, event("plan.create", { requestId: "req-1", clientIp: "10.0.0.1" }));

    const result = await verifyAuditChain(database.prisma);

    expect(result).toMatchObject({ ok: true, eventsChecked: 2 });
    const rows = await database.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[0]!.before).toEqual({ b: 1, a: [1, "x"] });
    expect(result.headHash).toBe(rows[1]!.hash);
    expect(await database.prisma.auditPending.count()).toBe(0);
  });

  it("keeps the change and its event together: a failing change writes no event", async () => {
    const before = await database.prisma.auditEvent.count();
    await expect(
      runAudited(
        database.prisma,
        async (tx) => {
          await tx.instance.create({
            data: {
              name: "doomed",
              subscriptionId: "s",
              resourceGroup: "r",
              serviceName: "n",
              armEndpoint: "https://x",
            },
          });
          throw new Error("boom");
        },
        () => event("instance.create"),
      ),
    ).rejects.toThrow("boom");

    expect(await database.prisma.auditEvent.count()).toBe(before);
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await database.prisma.instance.count({ where: { name: "doomed" } })).toBe(0);
  });

  it("fails closed: when the event cannot be written, the change does not happen", async () => {
    await expect(
      runAudited(
        database.prisma,
        (tx) =>
          tx.instance.create({
            data: {
              name: "unaudited",
              subscriptionId: "s",
              resourceGroup: "r",
              serviceName: "n2",
              armEndpoint: "https://x",
            },
          }),
        // jsonb refuses NUL characters, so writing this event fails inside the transaction.
        () => event("instance.create", { after: { name: "bad\u0000value" } }),
      ),
    ).rejects.toThrow();

    expect(await database.prisma.instance.count({ where: { name: "unaudited" } })).toBe(0);
    expect((await verifyAuditChain(database.prisma)).ok).toBe(true);
  });

  it("refuses an insert that does not continue the chain at its head, and keeps the head where it was", async () => {
    const { last_seq, last_hash } = await head();

    await expect(forgedInsert(last_seq + 1n, "0".repeat(64))).rejects.toThrow(/previous hash/);
    await expect(forgedInsert(last_seq + 2n, last_hash)).rejects.toThrow(/sequence/);
    await expect(forgedInsert(last_seq, last_hash)).rejects.toThrow(/sequence|duplicate/);
    await expect(forgedInsert(last_seq + 1n, last_hash, "now() - interval '1 day'")).rejects.toThrow(/before the time/);

    expect(await head()).toEqual({ last_seq, last_hash });
    expect((await verifyAuditChain(database.prisma)).ok).toBe(true);
  });

  it("lets the head move only forward, one event at a time, and never disappear", async () => {
    const { last_seq, last_hash } = await head();

    await expect(
      database.owner.$executeRawUnsafe(`UPDATE audit_chain_head SET last_seq = last_seq - 1`),
    ).rejects.toThrow(/only moves forward/);
    await expect(
      database.owner.$executeRawUnsafe(`UPDATE audit_chain_head SET last_seq = last_seq + 5`),
    ).rejects.toThrow(/only moves forward/);
    await expect(database.owner.$executeRawUnsafe(`DELETE FROM audit_chain_head`)).rejects.toThrow(/not allowed/);
    await expect(database.owner.$executeRawUnsafe(`TRUNCATE audit_chain_head`)).rejects.toThrow(/not allowed/);
    await expect(
      database.owner.$executeRawUnsafe(`INSERT INTO audit_chain_head VALUES (2, 0, '${"0".repeat(64)}', now())`),
    ).rejects.toThrow(/audit_chain_head_one_row/);

    expect(await head()).toEqual({ last_seq, last_hash });
  });

  it("names the first altered event", async () => {
    const target = await database.prisma.auditEvent.findFirstOrThrow({ where: { action: "plan.create" } });
    await tamper(`UPDATE audit_events SET actor_name = 'Mallory' WHERE seq = ${target.seq}`);

    const result = await verifyAuditChain(database.prisma);

    expect(result.ok).toBe(false);
    expect(result.firstBad).toMatchObject({ seq: target.seq.toString(), id: target.id });
    expect(result.firstBad!.reason).toMatch(/altered/);
    await tamper(`UPDATE audit_events SET actor_name = 'Alice' WHERE seq = ${target.seq}`);
    expect((await verifyAuditChain(database.prisma)).ok).toBe(true);
  });
});

describe(`a change and its events in one statement on ${process.env.TEST_DB ?? "pglite"}`, () => {
  /** Creates an instance named `name` and queues `events` with it; each event's `when` may refer to `created`. */
  const createInstance = (name: string, events: readonly QueuedEvent[]) =>
    auditedStatement<{ created: boolean }>(
      database.prisma,
      (queue) => Prisma.sql`
        WITH created AS (
          INSERT INTO instances (id, name, subscription_id, resource_group, service_name, arm_endpoint)
          VALUES (gen_random_uuid(), ${name}, 's', 'r', ${name}, 'https://x')
          ON CONFLICT (name) DO NOTHING
          RETURNING id
        ),
        ${queue(events)}
        SELECT EXISTS (SELECT 1 FROM created) AS created`,
    );

  it("queues the events in the order given, only those whose condition holds, and chains them before returning", async () => {
    const start = (await head()).last_seq;
    const created = Prisma.sql`EXISTS (SELECT 1 FROM created)`;
    const notCreated = Prisma.sql`NOT EXISTS (SELECT 1 FROM created)`;
    const events = [
      { event: event("statement.first", { after: { b: 1, a: [1, "x"] } }), when: created },
      { event: event("statement.skipped"), when: notCreated },
      { event: event("statement.second", { requestId: "req-2", clientIp: "10.0.0.2" }) },
      { event: event("statement.third", { before: { z: { y: null } } }), when: created },
    ];

    expect(await createInstance("one-statement", events)).toEqual([{ created: true }]);

    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.action)).toEqual(["statement.first", "statement.second", "statement.third"]);
    expect(rows[0]).toMatchObject({ after: { b: 1, a: [1, "x"] }, actorOid: alice.oid, actorTid: "t" });
    expect(rows[1]).toMatchObject({ requestId: "req-2", clientIp: "10.0.0.2", before: null, after: null });
    expect(rows[2]!.before).toEqual({ z: { y: null } });
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });

    // The same change again changes nothing: only the event for that case is queued.
    expect(await createInstance("one-statement", events)).toEqual([{ created: false }]);
    const again = await database.prisma.auditEvent.findMany({
      where: { seq: { gt: start + 3n } },
      orderBy: { seq: "asc" },
    });
    expect(again.map((row) => row.action)).toEqual(["statement.skipped", "statement.second"]);
  });

  it("chains statements of one, two and four events (an apply's) after a head ahead of their time, each event raised to it", async () => {
    const start = (await head()).last_seq;
    // An event whose time is ahead of the statements' (a clock that went back): the head's time.
    const ahead = new Date(Date.now() + 3_600_000);
    await database.prisma.auditPending.create({
      data: {
        eventId: randomUUID(),
        time: ahead,
        actorType: "user",
        actorOid: alice.oid,
        actorName: alice.name,
        action: "apply.ahead",
        targetType: "api",
        targetId: "ahead",
        beforeCanonical: "null",
        afterCanonical: '{"ahead":true}',
        outcome: "success",
      },
    });
    await chainWaitingEvents(database.prisma);
    const created = Prisma.sql`EXISTS (SELECT 1 FROM created)`;
    const statement = (size: number) =>
      Array.from({ length: size }, (_, i) => ({
        event: event(`apply.${size}.${i}`, { after: { i, size }, requestId: `req-${size}-${i}` }),
        // The second of four is left out: the numbers stay consecutive.
        ...(size === 4 && i === 1 ? { when: Prisma.sql`NOT ${created}` } : { when: created }),
      }));
    for (const size of [1, 2, 4]) await createInstance(`apply-sized-${size}`, statement(size));

    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.action)).toEqual([
      "apply.ahead",
      "apply.1.0",
      "apply.2.0",
      "apply.2.1",
      "apply.4.0",
      "apply.4.2",
      "apply.4.3",
    ]);
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => start + 1n + BigInt(i)));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    for (const row of rows) {
      expect(row.time).toEqual(ahead);
      expect(row.hash).toBe(hashAuditEvent(toHashedFields(row)));
    }
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("chains an `after` the statement computes, written as canonical text, like any other event", async () => {
    const start = (await head()).last_seq;
    // Every statement sent for the change: the change's own, then (PostgreSQL) one sequencer run.
    const sent = countStatements();
    try {
      const counted = await auditedStatement<{ created: number }>(
        database.prisma,
        (queue) => Prisma.sql`
          WITH created AS (
            INSERT INTO instances (id, name, subscription_id, resource_group, service_name, arm_endpoint)
            VALUES (gen_random_uuid(), 'computed-after', 's', 'r', 'computed-after', 'https://x')
            RETURNING id
          ),
          counts AS (SELECT count(*)::int AS created FROM created),
          ${queue([
            {
              event: event("statement.computed"),
              afterCanonicalSql: Prisma.sql`(SELECT '{"created":' || created || ',"total":7}' FROM counts)`,
            },
          ])}
          SELECT created FROM counts`,
      );
      expect(counted).toEqual([{ created: 1 }]);
    } finally {
      sent.stop();
    }
    // One statement on PGlite (chained in it), two on PostgreSQL (and one run of the sequencer):
    // not the read and the move of the run for events queued as jsonb.
    expect(sent.count).toBe(database.engine === "pglite" ? 1 : 2);
    const [row] = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } } });
    expect(row).toMatchObject({ action: "statement.computed", after: { created: 1, total: 7 } });
    expect(row!.afterCanonical).toBe(canonicalJson({ created: 1, total: 7 }));
    expect(row!.hash).toBe(hashAuditEvent(toHashedFields(row!)));
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("records hundreds of events of one statement as a few array parameters, chained in order as the application hashes", async () => {
    const start = (await head()).last_seq;
    const sent = countStatements();
    let waits = 0;
    const countWait = () => (waits += 1);
    diagnosticsChannel.subscribe(AUDIT_CHAIN_WAIT_CHANNEL, countWait);
    // A change set's statement: hundreds of events, most always recorded, some under a condition
    // (one condition object shared by many events, others of their own), awkward text everywhere.
    const created = Prisma.sql`EXISTS (SELECT 1 FROM created)`;
    const events: QueuedEvent[] = Array.from({ length: 401 }, (_, i) => ({
      event: event("many.event", {
        actor: { ...alice, tid: i % 3 === 0 ? "" : "t", name: `Zoë "Z" \\ \t{${i}},NULL` },
        target: { type: "api", id: `m-${i}` },
        before: i % 2 === 0 ? undefined : { i, 'é\n"q"': [1.5e-7, 1e21, null, "\u0001"], nested: { b: true, a: -0.5 } },
        after: { i, plan: "x".repeat(i % 7) },
        requestId: i % 5 === 0 ? null : `req-${i}`,
        clientIp: i % 4 === 0 ? "10.0.0.4" : null,
      }),
      ...(i % 10 === 3 ? { when: created } : {}),
      ...(i % 100 === 7 ? { when: Prisma.sql`${i % 200 === 7}::boolean` } : {}),
    }));
    try {
      expect(await createInstance("many-events", events)).toEqual([{ created: true }]);
    } finally {
      sent.stop();
      diagnosticsChannel.unsubscribe(AUDIT_CHAIN_WAIT_CHANNEL, countWait);
    }
    // One array per column and one value per condition of its own, not a row of values per event.
    expect(sent.parameters[0]).toBeLessThanOrEqual(15 + 4 + 2);
    // PGlite chains them in the statement itself; PostgreSQL in one run of the sequencer.
    expect(sent.count).toBe(database.engine === "pglite" ? 1 : 2);
    expect(waits).toBe(database.engine === "pglite" ? 0 : 1);

    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    const kept = events.flatMap((_, i) => (i % 100 === 7 && i % 200 !== 7 ? [] : [`m-${i}`]));
    expect(rows.map((row) => row.targetId)).toEqual(kept);
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => start + 1n + BigInt(i)));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
      expect(rows[i]!.time.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.time.getTime());
    }
    for (const row of rows) expect(row.hash).toBe(hashAuditEvent(toHashedFields(row)));
    const first = events[1]!.event;
    expect(rows[1]).toMatchObject({
      actorTid: "t",
      actorName: first.actor.name,
      requestId: "req-1",
      clientIp: null,
      before: first.before,
      beforeCanonical: canonicalJson(first.before!),
      afterCanonical: '{"i":1,"plan":"x"}',
    });
    expect(rows[0]).toMatchObject({ actorTid: null, before: null, beforeCanonical: "null", requestId: null });
    expect(rows[0]).toMatchObject({ clientIp: "10.0.0.4" });
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("writes neither the change nor its events when the statement fails", async () => {
    const before = await database.prisma.auditEvent.count();
    // jsonb refuses NUL characters: the event cannot be queued, so the instance is not created either.
    await expect(
      createInstance("unaudited-statement", [{ event: event("statement.bad", { after: { name: "bad\u0000value" } }) }]),
    ).rejects.toThrow();

    expect(await database.prisma.instance.count({ where: { name: "unaudited-statement" } })).toBe(0);
    expect(await database.prisma.auditEvent.count()).toBe(before);
    expect(await database.prisma.auditPending.count()).toBe(0);
  });
});

describe(`many concurrent appenders on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("chain every committed event exactly once, none of the rolled-back ones, in commit order, with times that never go back", async () => {
    const start = (await head()).last_seq;
    // Five per client: each test client's pool has five connections, and a transaction that waits
    // longer than Prisma's maxWait (2 s) for one fails, which a loaded machine would turn into flakiness.
    const WORKERS = 10;
    const APPENDS = 10;
    // Two clients stand for two Portcullis instances on PostgreSQL (one process-wide database on PGlite).
    const clients = [database.prisma, database.second];

    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        const db = clients[worker % clients.length]!;
        for (let i = 0; i < APPENDS; i++) {
          const failing = (worker + i) % 7 === 0;
          const append = auditedTransaction(db, async (tx) => {
            await appendAuditEvent(tx, event("concurrent.step", { target: { type: "worker", id: `${worker}:${i}` } }));
            // A second event in the same transaction, as finishing a deployment records.
            if (i % 3 === 0)
              await appendAuditEvent(
                tx,
                event("concurrent.extra", { target: { type: "worker", id: `${worker}:${i}` } }),
              );
            if (failing) throw new Error("rolled back");
          });
          if (failing) await expect(append).rejects.toThrow("rolled back");
          else {
            await append;
            // Once the append returns its events are in the chain, also when the other instance's
            // sequencer moved the head between this one's read and its move (it reads again).
            const chained = await db.auditEvent.count({ where: { targetType: "worker", targetId: `${worker}:${i}` } });
            expect(chained).toBe(i % 3 === 0 ? 2 : 1);
          }
        }
      }),
    );

    const rows = await database.prisma.auditEvent.findMany({
      where: { seq: { gt: start } },
      orderBy: { seq: "asc" },
    });
    const expected: string[] = [];
    for (let worker = 0; worker < WORKERS; worker++)
      for (let i = 0; i < APPENDS; i++)
        if ((worker + i) % 7 !== 0) {
          expected.push(`concurrent.step ${worker}:${i}`);
          if (i % 3 === 0) expected.push(`concurrent.extra ${worker}:${i}`);
        }
    const got = rows.map((r) => `${r.action} ${r.targetId}`);
    // Nothing lost, nothing duplicated, nothing of a rolled-back transaction.
    expect([...got].sort()).toEqual([...expected].sort());
    // Contiguous sequence numbers from where the chain was.
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => start + 1n + BigInt(i)));
    // Each worker waited for one append before starting the next: the chain keeps that order,
    // and the events of one transaction stay together in the order they were recorded.
    for (let worker = 0; worker < WORKERS; worker++) {
      const mine = got.filter((g) => g.split(" ")[1]!.startsWith(`${worker}:`));
      expect(mine).toEqual(expected.filter((e) => e.split(" ")[1]!.startsWith(`${worker}:`)));
    }
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.time.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.time.getTime());
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("chain one-statement and transaction appenders together, each in commit order, hashed as the application hashes", async () => {
    // On PGlite both kinds chain their events in their own statement or transaction (no queue);
    // on PostgreSQL through the queue and the sequencer. The guarantees are the same.
    const start = (await head()).last_seq;
    let waits = 0;
    const countWait = () => (waits += 1);
    diagnosticsChannel.subscribe(AUDIT_CHAIN_WAIT_CHANNEL, countWait);
    const WORKERS = 8;
    const APPENDS = 8;
    const clients = [database.prisma, database.second];
    const statementAppend = (db: PrismaClient, name: string, failing: boolean) =>
      auditedStatement(
        db,
        (queue) => Prisma.sql`
          WITH made AS (SELECT ${name}::text AS name),
          ${queue([
            {
              event: event("mixed.statement", {
                target: { type: "worker", id: name },
                after: { n: 1, a: ["é", null] },
              }),
            },
            {
              event: event("mixed.extra", { target: { type: "worker", id: name } }),
              when: Prisma.sql`EXISTS (SELECT 1 FROM made)`,
            },
          ])}
          -- Division by zero when failing, at run time: the statement fails whole.
          SELECT 1 / ((SELECT count(*) FROM made)::int - ${failing ? 1 : 0}::int) AS done`,
        { prepared: true },
      );
    const transactionAppend = (db: PrismaClient, name: string, failing: boolean) =>
      auditedTransaction(db, async (tx) => {
        await appendAuditEvent(
          tx,
          event("mixed.transaction", { target: { type: "worker", id: name }, before: { b: 2 } }),
        );
        if (failing) throw new Error("rolled back");
      });

    await Promise.all(
      Array.from({ length: WORKERS }, async (_, worker) => {
        const db = clients[worker % clients.length]!;
        for (let i = 0; i < APPENDS; i++) {
          const name = `${worker}:${i}`;
          const failing = (worker + i) % 5 === 0;
          const append =
            (i + worker) % 2 === 0 ? statementAppend(db, name, failing) : transactionAppend(db, name, failing);
          if (failing) await expect(append).rejects.toThrow();
          else await append;
        }
      }),
    );
    diagnosticsChannel.unsubscribe(AUDIT_CHAIN_WAIT_CHANNEL, countWait);
    // PGlite: every append chained its events itself (nothing waited for a sequencer run).
    if (database.engine === "pglite") expect(waits).toBe(0);
    else expect(waits).toBeGreaterThan(0);

    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    const expected: string[] = [];
    for (let worker = 0; worker < WORKERS; worker++)
      for (let i = 0; i < APPENDS; i++) {
        if ((worker + i) % 5 === 0) continue;
        const name = `${worker}:${i}`;
        if ((i + worker) % 2 === 0) expected.push(`mixed.statement ${name}`, `mixed.extra ${name}`);
        else expected.push(`mixed.transaction ${name}`);
      }
    const got = rows.map((row) => `${row.action} ${row.targetId}`);
    // Nothing lost, nothing twice, nothing of a failed statement or a rolled-back transaction.
    expect([...got].sort()).toEqual([...expected].sort());
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => start + 1n + BigInt(i)));
    // Each worker waited for one append before the next: its events keep that order, a statement's together.
    for (let worker = 0; worker < WORKERS; worker++) {
      const mine = (list: string[]) => list.filter((line) => line.split(" ")[1]!.startsWith(`${worker}:`));
      expect(mine(got)).toEqual(mine(expected));
    }
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
      expect(rows[i]!.time.getTime()).toBeGreaterThanOrEqual(rows[i - 1]!.time.getTime());
    }
    // The stored hash is the application's hash of the stored event (what an offline verifier computes).
    for (const row of rows) expect(row.hash).toBe(hashAuditEvent(toHashedFields(row)));
    expect(rows.find((row) => row.action === "mixed.statement")).toMatchObject({
      after: { n: 1, a: ["é", null] },
      afterCanonical: '{"a":["é",null],"n":1}',
      beforeCanonical: "null",
    });
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("chain an event that waited in the queue before those committed after it", async () => {
    const start = (await head()).last_seq;
    // Left by an instance that stopped between its commit and chaining.
    await database.prisma.auditPending.create({
      data: {
        eventId: randomUUID(),
        time: new Date(Date.now() - 60_000),
        actorType: "user",
        actorOid: alice.oid,
        actorName: alice.name,
        action: "waiting.first",
        targetType: "api",
        targetId: "w",
        after: { waited: true },
        outcome: "success",
      },
    });
    await auditedStatement(
      database.prisma,
      (queue) => Prisma.sql`WITH ${queue([{ event: event("waiting.second") }])} SELECT 1 AS done`,
    );
    await recordAuditEvent(database.second, event("waiting.third"));

    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.action)).toEqual(["waiting.first", "waiting.second", "waiting.third"]);
    // It keeps its place and its content; the later events take its time when theirs is earlier (never here).
    expect(rows[0]!.after).toEqual({ waited: true });
    for (const row of rows) expect(row.hash).toBe(hashAuditEvent(toHashedFields(row)));
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("chain the events of callers that do not wait in one run soon after, or in the run someone starts meanwhile", async () => {
    const start = (await head()).last_seq;
    const waiting = (action: string) =>
      database.prisma.auditPending.create({
        data: {
          eventId: randomUUID(),
          time: new Date(),
          actorType: "user",
          actorOid: alice.oid,
          actorName: alice.name,
          action,
          targetType: "api",
          targetId: "soon",
          beforeCanonical: "null",
          afterCanonical: "null",
          outcome: "success",
        },
      });
    // Nothing of an earlier test's still on its way.
    await backgroundWorkSettled(database.prisma);
    await chainWaitingEvents(database.prisma);
    const sent = countStatements();
    try {
      // Three commits whose callers go on: one run for the three, once the delay is over.
      for (const action of ["soon.first", "soon.second", "soon.third"]) await waiting(action);
      const runs = [1, 2, 3].map(() => chainWaitingEventsSoon(database.prisma));
      expect(sent.count).toBe(0);
      await Promise.all(runs);
      expect(sent.count).toBe(1);
      expect(await database.prisma.auditPending.count()).toBe(0);

      // A caller that waits starts a run at once: the one asked for soon is that run, no other follows.
      await waiting("soon.fourth");
      const soon = chainWaitingEventsSoon(database.prisma);
      await chainWaitingEvents(database.prisma);
      await soon;
      expect(sent.count).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 2 * BACKGROUND_CHAIN_DELAY_MS));
      expect(sent.count).toBe(2);
    } finally {
      sent.stop();
    }
    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.action)).toEqual(["soon.first", "soon.second", "soon.third", "soon.fourth"]);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("chain a backlog of queued events, one statement per run, hashed by the database as the application hashes", async () => {
    const start = (await head()).last_seq;
    // Every statement the sequencer sends, counted on the driver it uses.
    const sent = countStatements();
    const queued = (i: number, payload: "canonical" | "jsonb") => {
      const after = { i, 'é\n"q"': [1.5e-7, 1e21, null, "\u0001"], nested: { b: true, a: -0.5 } };
      return {
        eventId: randomUUID(),
        // Out of order now and then: a time before the event chained ahead of it is raised to that one's.
        time: new Date(Date.parse("2026-12-06T08:00:00.000Z") + i * 10 - (i % 4) * 25),
        actorType: "user",
        actorOid: alice.oid,
        actorTid: i % 3 === 0 ? null : "t",
        actorName: 'Zoë "Z" \\ \t',
        action: "backlog.event",
        targetType: "api",
        targetId: `b-${i}`,
        outcome: "success",
        requestId: i % 2 === 0 ? `req-${i}` : null,
        ...(payload === "canonical"
          ? { beforeCanonical: "null", afterCanonical: canonicalJson(after) }
          : { before: { was: i }, after }),
      };
    };
    try {
      // One run of 40 events: one statement.
      await database.prisma.auditPending.createMany({
        data: Array.from({ length: 40 }, (_, i) => queued(i, "canonical")),
      });
      await chainWaitingEvents(database.prisma);
      expect(sent.count).toBe(1);
      // More than one batch (500), with an event queued as jsonb in the middle (queued before this
      // kind of queue existed): chained in its place.
      await database.prisma.auditPending.createMany({
        data: Array.from({ length: 1101 }, (_, i) => queued(40 + i, i === 600 ? "jsonb" : "canonical")),
      });
      await chainWaitingEvents(database.prisma);
    } finally {
      sent.stop();
    }

    const rows = await database.prisma.auditEvent.findMany({ where: { seq: { gt: start } }, orderBy: { seq: "asc" } });
    expect(rows.map((row) => row.targetId)).toEqual(Array.from({ length: 1141 }, (_, i) => `b-${i}`));
    expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => start + 1n + BigInt(i)));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
      expect(rows[i]!.time.getTime()).toBe(
        Math.max(rows[i - 1]!.time.getTime(), queued(i, "canonical").time.getTime()),
      );
    }
    // The stored hash is the application's hash of the stored event (what an offline verifier computes).
    for (const row of rows) expect(row.hash).toBe(hashAuditEvent(toHashedFields(row)));
    expect(rows[640]).toMatchObject({ before: { was: 640 }, beforeCanonical: '{"was":640}' });
    expect(rows[641]).toMatchObject({ before: null, beforeCanonical: "null", actorName: 'Zoë "Z" \\ \t' });
    expect(await database.prisma.auditPending.count()).toBe(0);
    expect(await verifyAuditChain(database.prisma)).toMatchObject({ ok: true });
  });

  it("detects a removed event in the middle and at the end", async () => {
    const rows = await database.prisma.auditEvent.findMany({ orderBy: { seq: "asc" } });
    const middle = rows[3]!;
    await tamper(`DELETE FROM audit_events WHERE seq = ${middle.seq}`);

    const gap = await verifyAuditChain(database.prisma);
    expect(gap.ok).toBe(false);
    expect(gap.firstBad!.seq).toBe(rows[4]!.seq.toString());
    expect(gap.firstBad!.reason).toMatch(/missing/);

    await tamper(`DELETE FROM audit_events WHERE seq >= ${middle.seq}`);
    const truncated = await verifyAuditChain(database.prisma);
    expect(truncated.ok).toBe(false);
    expect(truncated.firstBad!.reason).toMatch(/head/);
  });
});
