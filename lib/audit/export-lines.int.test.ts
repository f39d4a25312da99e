import { describe, expect, it } from "vitest";
import { bulkLoadAuditEvents } from "../../bench/support/audit-fixture";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { exportAuditEvents } from "./export-audit-events";
import { getAuditSigningKeys } from "./get-signing-keys";
import { verifyExport } from "./verify-export";

const db = setupTestDatabase();
const reviewer = contextFor("reviewer");

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split("\n");
}

describe(`NDJSON export written by the database on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("sends every event once, in chain order, across its ranges and chunks", async () => {
    const session = await db.current.ownerSession();
    try {
      // More than two ranges of 1,000 and many chunks of 40, neither a multiple of them.
      await bulkLoadAuditEvents(session, { count: 2_345, seed: 4 });
    } finally {
      await session.close();
    }

    const text = await new Response(await exportAuditEvents(reviewer, {}, "ndjson")).text();
    const events = (ndjson: string) => ndjson.split("\n").filter((line) => line.startsWith('{"seq":'));
    const seqs = events(text).map((line) => (JSON.parse(line) as { seq: string }).seq);

    expect(seqs).toEqual(Array.from({ length: 2_346 }, (_, i) => String(i + 1)));
    expect(await verifyExport(linesOf(text), (await getAuditSigningKeys(reviewer)).keys as never)).toMatchObject({
      ok: true,
      eventsChecked: 2_346,
    });

    const filtered = await new Response(await exportAuditEvents(reviewer, { action: "profile.save" }, "ndjson")).text();
    const saves = events(filtered);
    expect(saves.length).toBeGreaterThan(40);
    expect(saves.every((line) => (JSON.parse(line) as { action: string }).action === "profile.save")).toBe(true);
    expect(events(text).filter((line) => line.includes('"action":"profile.save"'))).toEqual(saves);
  });
});
