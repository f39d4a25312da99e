import { generateKeyPairSync } from "node:crypto";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { spawnCli } from "../../cli/__fixtures__/cli-runner";
import { contextFor } from "../../test/support/request-context";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { recordAuditEvent } from "./append-audit-event";
import { checkpointSigningInput } from "./checkpoint";
import { hashAuditEvent } from "./event-hash";
import { exportAuditEvents } from "./export-audit-events";
import { getAuditSigningKeys } from "./get-signing-keys";
import { signCheckpointIfDue } from "./sign-checkpoint";
import { ed25519Signer } from "./signing/ed25519-signer";
import { toHashedFields } from "./stored-event";
import { verifyAuditChain } from "./verify-audit-chain";
import { verifyExport } from "./verify-export";

// Read once by getConfig(), before the first use case runs.
process.env.AUDIT_CHECKPOINT_EVENTS = "5";
process.env.AUDIT_CHECKPOINT_MINUTES = "10";

const db = setupTestDatabase();
const reviewer = contextFor("reviewer");
const actor = { type: "user" as const, oid: "o-1", tid: "t", name: "Alice" };
const record = (action: string) =>
  recordAuditEvent(db.current.prisma, { actor, action, target: { type: "api", id: "a" }, outcome: "success" });
const minutes = (n: number) => new Date(Date.now() + n * 60_000);

async function* linesOf(text: string): AsyncGenerator<string> {
  yield* text.split("\n");
}

/** What only the database's owner (or a superuser) can do: switch the triggers off. */
async function asOwner(sql: string[]): Promise<void> {
  const owner = db.current.owner;
  const tables = ["audit_events", "audit_chain_head", "audit_checkpoints"];
  for (const table of tables) await owner.$executeRawUnsafe(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  try {
    for (const statement of sql) await owner.$executeRawUnsafe(statement);
  } finally {
    for (const table of tables) await owner.$executeRawUnsafe(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }
}

describe(`signed checkpoints on ${process.env.TEST_DB ?? "pglite"}`, () => {
  it("are signed once AUDIT_CHECKPOINT_EVENTS events came, or AUDIT_CHECKPOINT_MINUTES passed with events unsigned", async () => {
    expect(await signCheckpointIfDue(reviewer, { now: minutes(60) })).toBeNull();
    for (const action of ["a.one", "a.two", "a.three"]) await record(action);

    expect(await signCheckpointIfDue(reviewer, { now: minutes(9) })).toBeNull();
    const byTime = await signCheckpointIfDue(reviewer, { now: minutes(11) });
    expect(byTime).toMatchObject({ seq: "3", alg: "EdDSA" });
    for (const action of ["b.one", "b.two", "b.three", "b.four"]) await record(action);
    expect(await signCheckpointIfDue(reviewer, { now: new Date() })).toBeNull();
    await record("b.five");
    const byCount = await signCheckpointIfDue(reviewer, { now: new Date() });
    expect(byCount).toMatchObject({ seq: "8" });
    expect(await signCheckpointIfDue(reviewer, { now: minutes(60) })).toBeNull();

    const stored = await db.current.prisma.auditEvent.findUniqueOrThrow({ where: { seq: 8n } });
    expect(byCount!.headHash).toBe(stored.hash);
    expect(await verifyAuditChain(db.current.prisma)).toMatchObject({
      ok: true,
      eventsChecked: 8,
      checkpoints: { checked: 2, lastTrustworthySeq: "8", unsignedEvents: 0 },
    });
  });

  it("are refused by the database unless they name an existing event with its hash", async () => {
    await expect(
      db.current.prisma.$executeRawUnsafe(
        `INSERT INTO audit_checkpoints (seq, head_hash, time, alg, kid, signature) VALUES (8, '${"0".repeat(64)}', now(), 'EdDSA', 'k', 's')`,
      ),
    ).rejects.toThrow(/event 8 does not have hash/);
  });

  it("sign every export, which verifies offline with the public key, and a tampered export fails naming the event", async () => {
    const text = await new Response(await exportAuditEvents(reviewer, {}, "ndjson")).text();
    const keys = (await getAuditSigningKeys(reviewer)).keys;
    const lines = text.trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ portcullisAuditExport: { version: 1, headSeq: "9" } });
    expect(lines.slice(1, 4).map((l) => (JSON.parse(l) as { checkpoint: { seq: string } }).checkpoint.seq)).toEqual([
      "3",
      "8",
      "9",
    ]);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ seq: "9", action: "audit.export" });

    expect(await verifyExport(linesOf(text), keys as never)).toMatchObject({
      ok: true,
      eventsChecked: 9,
      checkpoints: { checked: 3, lastTrustworthySeq: "9" },
    });
    const tampered = text.replace(/"action":"b\.two"/, '"action":"b.twenty"');
    expect(await verifyExport(linesOf(tampered), keys as never)).toMatchObject({
      ok: false,
      firstBad: { seq: "5", reason: expect.stringMatching(/altered/) },
      checkpoints: { lastTrustworthySeq: "3" },
    });

    // The same with the command line tool, as a reviewer would run it on the downloaded files.
    const folder = mkdtempSync(path.join(tmpdir(), "portcullis-export-"));
    const file = (name: string, content: string) => {
      writeFileSync(path.join(folder, name), content);
      return path.join(folder, name);
    };
    const keyFile = file("keys.json", JSON.stringify({ keys }));
    const good = spawnCli("audit", "verify", file("good.ndjson", text), "--public-key", keyFile);
    expect(good).toMatchObject({ code: 0, stderr: "" });
    expect(good.stdout).toMatch(/9 events checked; 3 checkpoints checked; proven by a signature up to event 9 .*OK/);
    const bad = spawnCli("audit", "verify", file("bad.ndjson", tampered), "--public-key", keyFile);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/event 5 fails: its content does not match its hash: it was altered/);
    const otherKey = await ed25519Signer(
      generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    const wrongKey = spawnCli(
      "audit",
      "verify",
      path.join(folder, "good.ndjson"),
      "--public-key",
      file("other.json", JSON.stringify({ keys: await otherKey.publicKeys() })),
    );
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stdout).toMatch(/checkpoint at event 3 fails: it was signed by a key that is not trusted/);
  }, 60_000);

  it("do not trust a checkpoint signed with another key", async () => {
    const head = await db.current.prisma.auditChainHead.findUniqueOrThrow({ where: { id: 1 } });
    const mallory = await ed25519Signer(
      generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    const key = await mallory.describe();
    const body = { seq: head.lastSeq.toString(), headHash: head.lastHash, time: new Date().toISOString(), ...key };
    const signature = (await mallory.sign(checkpointSigningInput(body), key)).toString("base64url");
    await db.current.prisma.auditCheckpoint.create({
      data: { ...body, seq: head.lastSeq, time: new Date(body.time), signature },
    });

    expect(await verifyAuditChain(db.current.prisma)).toMatchObject({
      ok: false,
      checkpoints: {
        lastTrustworthySeq: "9",
        firstBad: { seq: "9", reason: expect.stringMatching(/signed by a key that is not trusted/) },
      },
    });
    await asOwner([`DELETE FROM audit_checkpoints WHERE kid = '${key.kid}'`]);
    expect((await verifyAuditChain(db.current.prisma)).ok).toBe(true);
  });

  it("detect a superuser's rewrite of the history with recomputed hashes, naming the last sequence still proven", async () => {
    // Rewrite event 5 and recompute every hash after it, moving the head: a consistent chain.
    const rows = await db.current.owner.auditEvent.findMany({ where: { seq: { gte: 4n } }, orderBy: { seq: "asc" } });
    const statements: string[] = [];
    let prevHash = rows[0]!.hash;
    for (const row of rows.slice(1)) {
      const rewritten = { ...row, actorName: row.seq === 5n ? "Mallory" : row.actorName, prevHash };
      const hash = hashAuditEvent(toHashedFields(rewritten));
      statements.push(
        `UPDATE audit_events SET actor_name = '${rewritten.actorName}', prev_hash = '${prevHash}', hash = '${hash}' WHERE seq = ${row.seq}`,
      );
      prevHash = hash;
    }
    statements.push(`UPDATE audit_chain_head SET last_hash = '${prevHash}'`);
    await asOwner(statements);

    const result = await verifyAuditChain(db.current.prisma);

    // The hash chain alone is consistent again; the signatures are not.
    expect(result.firstBad).toBeUndefined();
    expect(result).toMatchObject({
      ok: false,
      eventsChecked: 9,
      checkpoints: {
        lastTrustworthySeq: "3",
        unsignedEvents: 6,
        firstBad: { seq: "8", reason: expect.stringMatching(/events up to 8 were rewritten/) },
      },
    });
  });

  it("detect events removed after a checkpoint signed them, even with the head moved back", async () => {
    await asOwner([
      `DELETE FROM audit_events WHERE seq >= 8`,
      `UPDATE audit_chain_head SET last_seq = 7, last_hash = (SELECT hash FROM audit_events WHERE seq = 7)`,
    ]);

    expect(await verifyAuditChain(db.current.prisma)).toMatchObject({
      ok: false,
      eventsChecked: 7,
      checkpoints: {
        lastTrustworthySeq: "3",
        firstBad: { seq: "8", reason: "it signs event 8, but the chain ends at 7: events were removed" },
      },
    });
  });
});
