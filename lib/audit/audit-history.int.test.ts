import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { recordAuditEvent } from "./append-audit-event";
import { hashAuditEvent, type HashedAuditFields } from "./event-hash";
import { exportAuditEvents } from "./export-audit-events";
import { listAuditEvents } from "./list-audit-events";
import { verifyAuditHistory } from "./verify-audit-history";

const db = setupTestDatabase();
const reviewer = contextFor("reviewer");
const alice = { type: "user" as const, oid: "aaaaaaaa-0000-0000-0000-000000000001", tid: "t", name: "Alice Admin" };
const bot = { type: "app" as const, oid: "bbbbbbbb-0000-0000-0000-000000000002", tid: "t", name: "release-pipeline" };

async function seed(): Promise<void> {
  const events = [
    { actor: alice, action: "profile.save", target: { type: "api", id: "api-1" } },
    { actor: bot, action: "deployment.start", target: { type: "api", id: "api-1" } },
    { actor: bot, action: "deployment.step", target: { type: "api", id: "api-2" } },
    {
      actor: { ...alice, name: '=HYPERLINK("http://x")' },
      action: "secret.rotate",
      target: { type: "secret", id: "s-1" },
      after: { note: 'say "hi", ok' },
    },
  ];
  for (const e of events) await recordAuditEvent(db.current.prisma, { ...e, outcome: "success" });
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("audit history for reviewers", () => {
  it("filters by actor, action prefix, target and time, newest first, with cursor pages", async () => {
    await seed();

    const byBot = await listAuditEvents(reviewer, { actor: "release" });
    expect(byBot.items.map((e) => e.action)).toEqual(["deployment.step", "deployment.start"]);
    expect((await listAuditEvents(reviewer, { action: "deployment.*" })).items).toHaveLength(2);
    expect((await listAuditEvents(reviewer, { target: "api:api-1" })).items.map((e) => e.action)).toEqual([
      "deployment.start",
      "profile.save",
    ]);
    expect(
      (await listAuditEvents(reviewer, { actor: alice.oid, target: "secret" })).items.map((e) => e.action),
    ).toEqual(["secret.rotate"]);
    expect((await listAuditEvents(reviewer, { actor: "alice" })).items.map((e) => e.action)).toEqual(["profile.save"]);
    expect(
      (await listAuditEvents(reviewer, { from: "2000-01-01T00:00:00Z", to: "2001-01-01T00:00:00Z" })).items,
    ).toEqual([]);

    const first = await listAuditEvents(reviewer, { limit: 3 });
    expect(first.items).toHaveLength(3);
    const second = await listAuditEvents(reviewer, { limit: 3, cursor: first.nextCursor! });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((e) => Number(e.seq))).toEqual([4, 3, 2, 1]);
  });

  it("exports NDJSON in chain order that verifies offline with the documented algorithm", async () => {
    const text = await readAll(await exportAuditEvents(reviewer, {}, "ndjson"));
    const lines = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // A header, the signed checkpoints, then the events.
    expect(lines[0]).toMatchObject({ portcullisAuditExport: { version: 1, filter: {} } });
    const events = lines.filter((line) => "seq" in line) as unknown as Array<HashedAuditFields & { hash: string }>;
    expect(lines.filter((line) => "checkpoint" in line)).toEqual([
      { checkpoint: expect.objectContaining({ seq: events.at(-1)!.seq, headHash: events.at(-1)!.hash }) },
    ]);

    expect(events.map((e) => e.action).slice(0, 4)).toEqual([
      "profile.save",
      "deployment.start",
      "deployment.step",
      "secret.rotate",
    ]);
    let prev = "0".repeat(64);
    for (const { hash, ...fields } of events) {
      expect(fields.prevHash).toBe(prev);
      expect(hashAuditEvent(fields)).toBe(hash);
      prev = hash;
    }
    // The export is itself recorded.
    expect(events.at(-1)).toMatchObject({ action: "audit.export", actor: { oid: reviewer.actor.oid } });
  });

  it("exports CSV with quoting and neutralised spreadsheet formulas", async () => {
    const text = await readAll(await exportAuditEvents(reviewer, { action: "secret.rotate" }, "csv"));
    const [header, row] = text.trim().split("\n");

    expect(header).toMatch(/^seq,id,time,actor_type/);
    expect(row).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(row).toContain(`"{""note"":""say \\""hi\\"", ok""}"`);
    expect(row!.split(",")[7]).toBe("secret.rotate");
  });

  it("verifies the whole history", async () => {
    expect(await verifyAuditHistory(reviewer)).toMatchObject({ ok: true });
  });

  it("is closed to readers, and the attempt is recorded", async () => {
    const reader = contextFor("reader");
    for (const attempt of [
      () => listAuditEvents(reader, {}),
      () => verifyAuditHistory(reader),
      () => exportAuditEvents(reader, {}, "ndjson"),
    ]) {
      const error = await attempt().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("forbidden");
    }
    const denials = await db.current.prisma.auditEvent.count({
      where: { actorOid: reader.actor.oid, action: "auth.denied" },
    });
    expect(denials).toBe(3);
  });
});
