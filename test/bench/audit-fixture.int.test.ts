import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkLoadAuditEvents, generateAuditEvents, type FixtureEvent } from "../../bench/support/audit-fixture";
import { recordAuditEvent } from "../../lib/audit/append-audit-event";
import type { AuditInput } from "../../lib/audit/audit-input";
import { toPublicEvent } from "../../lib/audit/stored-event";
import { verifyAuditChain } from "../../lib/audit/verify-audit-chain";
import type { PrismaClient } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../support/test-database";

/**
 * The benchmarks' bulk loader (bench/support/audit-fixture.ts) must build the chain the app
 * builds: a chain appended one event at a time through the app and the same events bulk-loaded
 * into another database verify with identical results, and the app appends after a bulk load.
 */
let oneByOne: TestDatabase;
let bulk: TestDatabase;
beforeAll(async () => {
  [oneByOne, bulk] = await Promise.all([createTestDatabase(), createTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([oneByOne.close(), bulk.close()]);
});

async function storedEvents(db: PrismaClient): Promise<FixtureEvent[]> {
  return (await db.auditEvent.findMany({ orderBy: { seq: "asc" } })).map(toPublicEvent);
}

async function load(database: TestDatabase, what: Parameters<typeof bulkLoadAuditEvents>[1]) {
  const session = await database.ownerSession();
  try {
    return await bulkLoadAuditEvents(session, what, { batch: 37, rebuildIndexes: true });
  } finally {
    await session.close();
  }
}

describe(`bulk-loaded audit chain on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("verifies exactly as the chain the app appended one event at a time", async () => {
    // Events as the use cases record them, with the fixture's actors, actions and payloads.
    for (const event of generateAuditEvents(120, { seed: 5 }))
      await recordAuditEvent(oneByOne.prisma, {
        actor: event.actor as AuditInput["actor"],
        action: event.action,
        target: event.target,
        before: event.before,
        after: event.after,
        outcome: event.outcome as "success",
        requestId: event.requestId,
        armCorrelationId: event.armCorrelationId,
        clientIp: event.clientIp,
      });
    const appended = await storedEvents(oneByOne.prisma);

    const loaded = await load(bulk, { events: appended });

    expect(loaded).toEqual({ loaded: 120, head: { seq: 120n, hash: appended.at(-1)!.hash } });
    expect(await storedEvents(bulk.prisma)).toEqual(appended);
    const [expected, actual] = await Promise.all([verifyAuditChain(oneByOne.prisma), verifyAuditChain(bulk.prisma)]);
    expect(expected).toMatchObject({ ok: true, eventsChecked: 120 });
    expect(actual).toEqual(expected);
  });

  it("generates events whose hashes the app's verification accepts, and the app appends after them", async () => {
    const generated = await load(bulk, { count: 500, seed: 9 });
    expect(generated.loaded).toBe(500);

    await recordAuditEvent(bulk.prisma, {
      actor: { type: "user", oid: "o", tid: "t", name: "After The Load" },
      action: "profile.save",
      target: { type: "api", id: "api-1" },
      outcome: "success",
    });
    const result = await verifyAuditChain(bulk.prisma);

    expect(result).toMatchObject({ ok: true, eventsChecked: 621 });
    const [head] = await bulk.prisma.auditChainHead.findMany();
    expect(head!.lastSeq).toBe(621n);
  });

  it("loads nothing at all when an event does not continue the chain", async () => {
    const [first, second] = [...generateAuditEvents(2, { seed: 3 })];
    await expect(load(bulk, { events: [first!, second!] })).rejects.toThrow(/does not continue the chain at 621/);
    expect(await bulk.prisma.auditEvent.count()).toBe(621);
    // The triggers are on again: a forged insert is still refused.
    await expect(
      bulk.prisma.$executeRawUnsafe(
        `INSERT INTO audit_events (seq, id, time, actor_type, actor_oid, actor_name, action, target_type, target_id, outcome, prev_hash, hash)
         VALUES (700, gen_random_uuid(), now(), 'user', 'm', 'M', 'forged', 'api', 'x', 'success', 'x', '${"f".repeat(64)}')`,
      ),
    ).rejects.toThrow(/refused/);
  });
});
