import { describe, expect, it, vi } from "vitest";
import type { PrismaClient } from "../db";
import { createTestDatabase } from "../../test/support/test-database";
import { recordAuditEvent } from "./append-audit-event";

// Read once by getConfig(): every append makes a checkpoint due, signed in the background.
process.env.AUDIT_CHECKPOINT_EVENTS = "1";

const actor = { type: "user" as const, oid: "o-1", tid: "t", name: "Alice" };

/** Enough events for an append to look whether a checkpoint is due (once per 50). */
async function appendEvents(client: PrismaClient): Promise<void> {
  for (let n = 0; n < 50; n += 1) {
    await recordAuditEvent(client, {
      actor,
      action: "test.append",
      target: { type: "api", id: `${n}` },
      outcome: "success",
    });
  }
}

/** How many checkpoints were stored when `client` was disconnected. */
function checkpointsAtDisconnect(client: PrismaClient): { count?: number } {
  const seen: { count?: number } = {};
  const disconnect = client.$disconnect.bind(client);
  vi.spyOn(client, "$disconnect").mockImplementation(async () => {
    seen.count = await client.auditCheckpoint.count();
    await disconnect();
  });
  return seen;
}

describe(`closing the database on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("waits for the checkpoints appends started signing in the background", async () => {
    const db = await createTestDatabase();
    // Each client signs after its own appends; the second one's disconnect comes first on PGlite.
    const [first, second] = [checkpointsAtDisconnect(db.prisma), checkpointsAtDisconnect(db.second)];
    await appendEvents(db.second);
    await appendEvents(db.prisma);
    await db.close();
    // Before closing waited, the signing went on against the closed database ("PGlite is closed").
    expect(second.count).toBeGreaterThanOrEqual(1);
    expect(first.count).toBeGreaterThanOrEqual(1);
  });
});
