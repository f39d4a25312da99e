import { describe, expect, it } from "vitest";
import { bulkLoadAuditEvents, generateAuditEvents, type FixtureEvent } from "../../bench/support/audit-fixture";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { AppError } from "../errors";
import { validateInput } from "../validation";
import { appendAuditEvent, auditedTransaction } from "./append-audit-event";
import { auditFilterSql, MAX_MATCHING_ACTORS } from "./audit-filter-sql";
import { GENESIS_HASH, hashAuditEvent } from "./event-hash";
import { exportAuditEvents } from "./export-audit-events";
import { listAuditEvents, pageSql } from "./list-audit-events";
import { auditFilterSchema, type AuditFilter } from "./schemas";
import type { PublicAuditEvent } from "./stored-event";

const db = setupTestDatabase();
const reviewer = contextFor("reviewer");
const input = { action: "profile.save", target: { type: "api", id: "api-renamed" }, outcome: "success" } as const;

/** 300 events whose first 100 (history older than the time-order trigger) go back and forth in time. */
function history(): FixtureEvent[] {
  const events = [...generateAuditEvents(300, { seed: 11, meanGapSeconds: 3600 })];
  let prevHash = GENESIS_HASH;
  return events.map((event, i) => {
    const time = i < 100 && i % 7 === 3 ? new Date(Date.parse(event.time) + 40 * 86_400_000).toISOString() : event.time;
    const name = i % 10 === 0 ? "50%_off \\ sale" : event.actor.name;
    const fields = { ...event, actor: { ...event.actor, name }, time, prevHash };
    delete (fields as Partial<FixtureEvent>).hash;
    const hash = hashAuditEvent(fields);
    prevHash = hash;
    return { ...fields, hash };
  });
}

async function everything(filter: AuditFilter): Promise<PublicAuditEvent[]> {
  const items: PublicAuditEvent[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await listAuditEvents(reviewer, { ...filter, limit: 40, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    if (!page.nextCursor) return items;
    cursor = page.nextCursor;
  }
}

describe("audit filters served by indexes", () => {
  it("give exactly the events a filter names, newest first, across pages — with old history out of time order", async () => {
    const events = history();
    const session = await db.current.ownerSession();
    try {
      await bulkLoadAuditEvents(session, { events });
      // As the migration finds it: times go back and forth up to event 100.
      await session.exec(`UPDATE audit_time_order SET ordered_from = 101`);
    } finally {
      await session.close();
    }
    const at = (i: number) => events[i]!.time;
    const filters: AuditFilter[] = [
      { from: at(50) },
      { to: at(50) },
      { from: at(20), to: at(250) },
      { from: at(150), to: at(151) },
      { from: "2000-01-01T00:00:00Z", to: "2000-02-01T00:00:00Z" },
      { action: "deployment.*", from: at(30), to: at(200) },
      { action: "profile.save" },
      { target: `api:${events[0]!.target.id}` },
      { target: "session", to: at(120) },
      { actor: events[5]!.actor.oid },
      { actor: "50%_off" },
      { actor: "%_o" },
      { actor: "\\ s" },
      { actor: "nobody-matches-this" },
      { actor: events[1]!.actor.name.slice(2, 8).toUpperCase(), from: at(10) },
    ];
    const expected = (filter: AuditFilter) => events.filter((e) => matches(e, filter)).map((e) => e.seq);
    for (const filter of filters) {
      const seqs = (await everything(filter)).map((e) => e.seq);
      expect({ filter, seqs }).toEqual({ filter, seqs: expected(filter).reverse() });
    }
    // Exports record an event of their own: after the lists, and only the loaded events compared.
    for (const filter of filters) {
      const exported = (await new Response(await exportAuditEvents(reviewer, filter, "ndjson")).text())
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line) as { seq?: string })
        .filter((line) => line.seq !== undefined);
      const seqs = exported.map((e) => e.seq).filter((seq) => Number(seq) <= 300);
      expect({ filter, seqs }).toEqual({ filter, seqs: expected(filter) });
    }
  });

  it("finds an actor by each name it was recorded under, and refuses a name part matching too many actors", async () => {
    const oid = "0b7e9d1c-0000-4000-8000-0000000000aa";
    const actor = (name: string, i: number) => ({
      type: "user" as const,
      oid: i < 0 ? oid : `many-${i}`,
      tid: "tenant",
      name,
    });
    await auditedTransaction(db.current.prisma, async (tx) => {
      await appendAuditEvent(tx, { ...input, actor: actor("Zora Renamed-Before", -1) });
      for (let i = 0; i <= MAX_MATCHING_ACTORS; i++)
        await appendAuditEvent(tx, { ...input, actor: actor(`Crowd Qx ${i}`, i) });
      await appendAuditEvent(tx, { ...input, actor: actor("Zora Renamed-After", -1) });
    });
    // By object id: both names; by a part of one name: that name's event only; an actor matching nothing: none.
    expect((await everything({ actor: oid })).map((e) => e.actor.name)).toEqual([
      "Zora Renamed-After",
      "Zora Renamed-Before",
    ]);
    expect((await everything({ actor: "renamed-bef" })).map((e) => e.actor.name)).toEqual(["Zora Renamed-Before"]);
    expect(await everything({ actor: "Crowd Qx 200" })).toHaveLength(1);
    expect(await everything({ actor: "nobody-matches-this" })).toEqual([]);

    const refused = await listAuditEvents(reviewer, { actor: "Crowd Qx" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).fields).toEqual([
      {
        path: "actor",
        message: `matches more than ${MAX_MATCHING_ACTORS} actors: give more of the name, or the object id`,
      },
    ]);
  });

  it("finds a change set's and a settings change's events by their hash, read from the change-hash index", async () => {
    const [setHash, changeHash, planHash] = ["a", "b", "c"].map((digit) => digit.repeat(64)) as [
      string,
      string,
      string,
    ];
    const payloads = [
      { action: "approval.request", after: { setHash } },
      { action: "instance.settings.request", after: { changeHash } },
      { action: "approval.approve", after: { planHash } },
      { action: "approval.approve", after: { setHash } },
      { action: "instance.settings.approve", after: { changeHash, approvalId: "x" } },
      { action: "profile.save", after: { note: setHash } },
      { action: "change_set.apply", after: { setHash, changeSetId: "y" } },
    ];
    await auditedTransaction(db.current.prisma, async (tx) => {
      for (const { action, after } of payloads)
        await appendAuditEvent(tx, {
          ...input,
          actor: reviewer.actor,
          action,
          target: { type: "change_set", id: "hashes" },
          after,
        });
    });
    const actionsFor = async (hash: string) =>
      (await everything({ changeHash: hash, target: "change_set:hashes" })).map((e) => [e.action, e.after]);
    expect(await actionsFor(setHash)).toEqual([
      ["change_set.apply", { setHash, changeSetId: "y" }],
      ["approval.approve", { setHash }],
      ["approval.request", { setHash }],
    ]);
    expect(await actionsFor(changeHash)).toEqual([
      ["instance.settings.approve", { changeHash, approvalId: "x" }],
      ["instance.settings.request", { changeHash }],
    ]);
    expect(await actionsFor(planHash)).toEqual([]);
    expect(validateInput(auditFilterSchema, { changeHash: "nothex" }).success).toBe(false);

    // The page query reads the index (the planner would scan a table this small, so scans are off).
    const where = await auditFilterSql(db.current.prisma, { changeHash: setHash }, 2);
    const session = await db.current.ownerSession();
    try {
      await session.exec("SET enable_seqscan = off");
      const plan = await session.query<{ "QUERY PLAN": string }>(`EXPLAIN ${pageSql(where, 50)}`, [
        "9223372036854775807",
        ...where.params,
      ]);
      expect(plan.map((row) => row["QUERY PLAN"]).join("\n")).toContain("audit_events_change_hash_seq_idx");
    } finally {
      await session.exec("RESET enable_seqscan");
      await session.close();
    }
  });

  it("refuses an actor filter too short to look up by trigrams, naming the field", () => {
    const parsed = validateInput(auditFilterSchema, { actor: "ab" });
    expect(parsed.success).toBe(false);
    expect(parsed.success ? [] : parsed.fields).toEqual([
      { path: "actor", message: "must be at least 3 characters: an object id or part of a name" },
    ]);
  });
});

function matches(e: FixtureEvent, f: AuditFilter): boolean {
  if (f.actor && e.actor.oid !== f.actor && !e.actor.name.toLowerCase().includes(f.actor.toLowerCase())) return false;
  if (f.action && (f.action.endsWith("*") ? !e.action.startsWith(f.action.slice(0, -1)) : e.action !== f.action))
    return false;
  if (f.target) {
    const [type, ...id] = f.target.split(":");
    if (e.target.type !== type || (id.length > 0 && e.target.id !== id.join(":"))) return false;
  }
  if (f.from && Date.parse(e.time) < Date.parse(f.from)) return false;
  if (f.to && Date.parse(e.time) >= Date.parse(f.to)) return false;
  return true;
}
