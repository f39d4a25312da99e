import { describe, expect, it } from "vitest";
import { generateAuditEvents } from "../../bench/support/audit-fixture";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { recordAuditEvent } from "./append-audit-event";
import type { AuditInput } from "./audit-input";
import {
  DERIVED_COLUMNS,
  DERIVED_COLUMNS_SQL,
  EVENT_DIGEST_DERIVED_SQL,
  EVENT_DIGEST_SQL,
  EXPORT_LINE_SQL,
  SAME_PAYLOAD_SQL,
} from "./event-sql";
import { rawRowsOf } from "../db/raw-rows";
import { signCheckpoint } from "./sign-checkpoint";
import { toPublicEvent } from "./stored-event";
import { verifyAuditChain } from "./verify-audit-chain";

// Checkpoints only where this test signs them (read once by getConfig()).
process.env.AUDIT_CHECKPOINT_EVENTS = "1000000";
process.env.AUDIT_CHECKPOINT_MINUTES = "100000";

const db = setupTestDatabase();

/** Text JSON escapes, and text it must not escape. */
const AWKWARD = [
  'quote " and \\ backslash',
  "tab\tnew\nline\r\b\f\u0001\u001f\u007f",
  "Zoë 日本語 \u2028\u2029 😀",
  "</script>",
];

async function record(count: number): Promise<void> {
  let i = 0;
  for (const event of generateAuditEvents(count, { seed: 21 })) {
    const awkward = AWKWARD[i++ % AWKWARD.length]!;
    await recordAuditEvent(db.current.prisma, {
      actor: { ...(event.actor as AuditInput["actor"]), name: i % 3 === 0 ? awkward : event.actor.name },
      action: event.action,
      target: { type: event.target.type, id: i % 5 === 0 ? awkward : event.target.id },
      before: event.before,
      after: i % 7 === 0 ? { text: awkward, nested: { b: [1, 2.5, -0, 1e21], a: null } } : event.after,
      outcome: event.outcome as "success",
      requestId: i % 4 === 0 ? awkward : event.requestId,
      armCorrelationId: event.armCorrelationId,
      clientIp: event.clientIp,
    });
  }
}

/** What only the database's owner can do: change stored events. */
async function tamper(sql: string, ...params: unknown[]): Promise<void> {
  const owner = db.current.owner;
  await owner.$executeRawUnsafe(`ALTER TABLE audit_events DISABLE TRIGGER USER`);
  try {
    await owner.$executeRawUnsafe(sql, ...params);
  } finally {
    await owner.$executeRawUnsafe(`ALTER TABLE audit_events ENABLE TRIGGER USER`);
  }
}

/** The result with ranges of 7 events (every edge crossed) and of the default size: the same. */
async function verify() {
  const [small, large] = [
    await verifyAuditChain(db.current.prisma, { rangeSize: 7 }),
    await verifyAuditChain(db.current.prisma),
  ];
  expect(small).toEqual(large);
  return small;
}

/** What verification reads first: whether before, after and text_plain are still generated as the migration made them. */
async function derivedColumnsIntact(): Promise<string | null | undefined> {
  const [row] = await rawRowsOf(db.current.prisma)(DERIVED_COLUMNS_SQL, [
    Object.keys(DERIVED_COLUMNS),
    Object.values(DERIVED_COLUMNS),
  ]);
  return row?.[0];
}

/** Each export line the database writes holds the public event as lists show it (the same JSON values). */
async function expectExportLinesOfPublicEvents(where: string): Promise<void> {
  const lines = await db.current.prisma.$queryRawUnsafe<Array<{ line: string }>>(
    `SELECT ${EXPORT_LINE_SQL} AS line FROM audit_events e WHERE ${where} ORDER BY e.seq`,
  );
  const events = await db.current.prisma.auditEvent.findMany({
    where: { seq: { in: lines.map((line) => BigInt((JSON.parse(line.line) as { seq: string }).seq)) } },
    orderBy: { seq: "asc" },
  });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.map((line) => JSON.parse(line.line) as unknown)).toEqual(
    events.map((event) => JSON.parse(JSON.stringify(toPublicEvent(event))) as unknown),
  );
}

describe(`audit events hashed and written by the database on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("hashes every event as the application does, and writes export lines holding the public event", async () => {
    await record(60);
    const rows = await db.current.prisma.$queryRawUnsafe<
      Array<{ digest: string; plainDigest: string; plain: boolean; same: boolean; hash: string }>
    >(
      `SELECT ${EVENT_DIGEST_SQL} AS digest, ${EVENT_DIGEST_DERIVED_SQL} AS "plainDigest", e.text_plain AS plain,
         ${SAME_PAYLOAD_SQL} AS same, e.hash FROM audit_events e ORDER BY e.seq`,
    );

    expect(rows).toHaveLength(60);
    // Both ways of writing the text columns are taken: quoted as they are, and escaped.
    expect(new Set(rows.map((row) => row.plain))).toEqual(new Set([true, false]));
    rows.forEach((row) => {
      expect(row.digest).toBe(row.hash);
      expect(row.plainDigest).toBe(row.hash);
      expect(row.same).toBe(true);
    });
    await expectExportLinesOfPublicEvents("TRUE");
    expect(await derivedColumnsIntact()).toBe("true");
  });

  it("verifies across range edges and checkpoints as every event hashed here would", async () => {
    await signCheckpoint(db.current.prisma);
    await record(20);
    await signCheckpoint(db.current.prisma);

    expect(await verify()).toMatchObject({
      ok: true,
      eventsChecked: 80,
      checkpoints: { checked: 2, lastTrustworthySeq: "80" },
    });
  });

  it("verifies events stored before the canonical text existed here, and still finds an altered one", async () => {
    // As such events were stored: their before/after in the legacy jsonb columns only.
    await tamper(
      `UPDATE audit_events SET before_legacy = NULLIF(before_canonical, 'null')::jsonb,
         after_legacy = NULLIF(after_canonical, 'null')::jsonb, before_canonical = NULL, after_canonical = NULL
       WHERE seq BETWEEN 10 AND 30`,
    );
    expect(await verify()).toMatchObject({ ok: true, eventsChecked: 80 });
    await expectExportLinesOfPublicEvents("e.seq BETWEEN 5 AND 35");

    await tamper(`UPDATE audit_events SET target_id = target_id || '!' WHERE seq = 21`);
    expect((await verify()).firstBad).toMatchObject({ seq: "21", reason: expect.stringMatching(/altered/) });
    await tamper(`UPDATE audit_events SET target_id = left(target_id, -1) WHERE seq = 21`);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it("verifies events stored with both jsonb and canonical text by comparing them", async () => {
    // As events were stored between migrations 20261207600000 and 20261208500000.
    await tamper(
      `UPDATE audit_events SET before_legacy = NULLIF(before_canonical, 'null')::jsonb,
         after_legacy = NULLIF(after_canonical, 'null')::jsonb WHERE seq BETWEEN 40 AND 60`,
    );
    expect(await verify()).toMatchObject({ ok: true, eventsChecked: 80 });

    await tamper(`UPDATE audit_events SET after_legacy = '{"n": 1}'::jsonb WHERE seq = 45`);
    expect((await verify()).firstBad).toMatchObject({ seq: "45", reason: expect.stringMatching(/altered/) });
    await tamper(`UPDATE audit_events SET after_legacy = NULLIF(after_canonical, 'null')::jsonb WHERE seq = 45`);
    expect(await verify()).toMatchObject({ ok: true });
  });

  it.each([
    ["the jsonb after alone (a legacy value beside the canonical text)", `after_legacy = '{"n": 1}'::jsonb`],
    ["the canonical after alone", `after_canonical = '{"n":1}'`],
    ["both, alike", `after_legacy = '{"n": 1}'::jsonb, after_canonical = '{"n":1}'`],
    // Only beside legacy jsonb: on other events the database refuses it (below).
    [
      "the canonical after, to text that is not JSON",
      `after_legacy = COALESCE(NULLIF(after_canonical, 'null')::jsonb, 'null'::jsonb), after_canonical = '{not json'`,
    ],
    ["a text column", `actor_name = actor_name || ' '`],
    ["a text column, to text JSON escapes", `actor_name = actor_name || '"'`],
    ["the time", `"time" = "time" + interval '1 millisecond'`],
  ])("names the event when %s changed", async (_what, set) => {
    for (const seq of [7, 8, 50]) {
      const [original] = await db.current.prisma.$queryRawUnsafe<Array<Record<string, unknown>>>(
        `SELECT "time", actor_name, before_legacy, after_legacy, before_canonical, after_canonical FROM audit_events WHERE seq = ${seq}`,
      );
      await tamper(`UPDATE audit_events SET ${set} WHERE seq = ${seq}`);
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.firstBad).toMatchObject({ seq: String(seq), reason: expect.stringMatching(/altered/) });
      await tamper(
        `UPDATE audit_events SET "time" = $1, actor_name = $2, before_legacy = $3::jsonb, after_legacy = $4::jsonb,
           before_canonical = $5, after_canonical = $6 WHERE seq = ${seq}`,
        original!.time,
        original!.actor_name,
        original!.before_legacy === null ? null : JSON.stringify(original!.before_legacy),
        original!.after_legacy === null ? null : JSON.stringify(original!.after_legacy),
        original!.before_canonical,
        original!.after_canonical,
      );
    }
    expect(await verify()).toMatchObject({ ok: true });
  });

  it("refuses canonical text that is not JSON on an event without legacy jsonb (its jsonb is derived from it)", async () => {
    await expect(tamper(`UPDATE audit_events SET before_canonical = '{not json' WHERE seq = 7`)).rejects.toThrow(
      /invalid input syntax for type json/,
    );
  });

  it("names a broken link and a removed event at a range's edge", async () => {
    await tamper(`UPDATE audit_events SET prev_hash = repeat('a', 64) WHERE seq = 15`);
    expect((await verify()).firstBad).toMatchObject({ seq: "15", reason: expect.stringMatching(/previous-hash/) });

    await tamper(`DELETE FROM audit_events WHERE seq BETWEEN 8 AND 14`);
    expect((await verify()).firstBad).toMatchObject({
      seq: "15",
      reason: expect.stringMatching(/from 7 to 15: events are missing/),
    });
  });

  it("compares every event's jsonb with its canonical text again once the jsonb is no longer derived", async () => {
    // Broken at 15 by the test before: an event before it found altered is found by the comparison.
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: "15" } });
    // The owner turns the generated column into a plain one, then changes what lists show.
    await db.current.owner.$executeRawUnsafe(`ALTER TABLE audit_events ALTER COLUMN after DROP EXPRESSION`);
    await tamper(`UPDATE audit_events SET after = '{"n": 1}'::jsonb WHERE seq = 5`);

    expect(await derivedColumnsIntact()).toBe("false");

    expect((await verify()).firstBad).toMatchObject({ seq: "5", reason: expect.stringMatching(/altered/) });
  });
});
