import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database";
import { appendAuditEvent, recordAuditEvent, runAudited } from "./append-audit-event";
import type { AuditInput } from "./audit-input";
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

/** Alters stored events the way an attacker with direct database access could. */
async function tamper(sql: string): Promise<void> {
  const prisma = database.prisma;
  await prisma.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
  try {
    await prisma.$executeRawUnsafe(sql);
  } finally {
    await prisma.$executeRawUnsafe(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
  }
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
    expect(result.headHash).toBe(rows[1]!.hash);
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

  it("keeps one unbroken chain when many changes append at once", async () => {
    const start = await database.prisma.auditEvent.count();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        database.prisma.$transaction((tx) => appendAuditEvent(tx, event(`parallel.${i}`))),
      ),
    );

    const result = await verifyAuditChain(database.prisma);

    expect(result.ok).toBe(true);
    expect(result.eventsChecked).toBe(start + 40);
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
