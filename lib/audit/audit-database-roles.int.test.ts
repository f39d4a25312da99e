import { describe, expect, it } from "vitest";
import { auditProtectionWeakness } from "../db/runtime-role";
import { setupTestDatabase } from "../../test/support/setup-test-database";
import { recordAuditEvent } from "./append-audit-event";
import { verifyAuditChain } from "./verify-audit-chain";

const db = setupTestDatabase();
const actor = { type: "user" as const, oid: "o-1", tid: "t", name: "Alice" };

describe.runIf(process.env.TEST_DB === "postgres")(
  "the runtime role on PostgreSQL (DATABASE_URL ≠ MIGRATION_DATABASE_URL)",
  () => {
    it("appends through the chain and reads, and the database calls that protected", async () => {
      await recordAuditEvent(db.current.prisma, {
        actor,
        action: "profile.save",
        target: { type: "api", id: "a" },
        outcome: "success",
      });
      await recordAuditEvent(db.current.prisma, {
        actor,
        action: "plan.create",
        target: { type: "api", id: "a" },
        outcome: "success",
      });

      expect(await verifyAuditChain(db.current.prisma)).toMatchObject({ ok: true, eventsChecked: 2 });
      // The insert trigger records the actor for the actor filter, as the owner.
      expect(await db.current.prisma.$queryRawUnsafe(`SELECT actor_oid, actor_name FROM audit_actors`)).toEqual([
        { actor_oid: "o-1", actor_name: "Alice" },
      ]);
      expect(
        await auditProtectionWeakness({ kind: "postgres", url: db.current.url!, migrationUrl: db.current.ownerUrl! }),
      ).toBeNull();
    });

    it.each([
      [
        "disable the append-only trigger",
        "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
        /must be owner/,
      ],
      ["disable every trigger", "ALTER TABLE audit_events DISABLE TRIGGER ALL", /must be owner/],
      ["drop the chain check", "DROP TRIGGER audit_events_continue_chain ON audit_events", /must be owner/],
      ["alter the table", "ALTER TABLE audit_events ADD COLUMN note text", /must be owner/],
      [
        "replace the chain check",
        "CREATE OR REPLACE FUNCTION audit_events_continue_chain() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
        /must be owner|permission denied for schema/,
      ],
      ["update an event", "UPDATE audit_events SET actor_name = 'Mallory'", /permission denied/],
      ["delete an event", "DELETE FROM audit_events", /permission denied/],
      ["truncate the history", "TRUNCATE audit_events", /permission denied/],
      ["move the head backwards", "UPDATE audit_chain_head SET last_seq = last_seq - 1", /permission denied/],
      ["move the head at all", "UPDATE audit_chain_head SET last_hash = repeat('0', 64)", /permission denied/],
      ["remove the head", "DELETE FROM audit_chain_head", /permission denied/],
      ["disable the head's guard", "ALTER TABLE audit_chain_head DISABLE TRIGGER ALL", /must be owner/],
      ["delete a checkpoint", "DELETE FROM audit_checkpoints", /permission denied/],
      ["update a checkpoint", "UPDATE audit_checkpoints SET signature = 'x'", /permission denied/],
      ["disable the checkpoints' triggers", "ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL", /must be owner/],
      ["hide an actor from the actor filter", "DELETE FROM audit_actors", /permission denied/],
      ["add an actor to the actor filter", "INSERT INTO audit_actors VALUES ('o-2', 'Mallory')", /permission denied/],
      ["grant itself more", "SELECT portcullis_grant_runtime(current_user::regrole)", /permission denied/],
    ])("cannot %s", async (_what, sql, refusal) => {
      await expect(db.current.prisma.$executeRawUnsafe(sql)).rejects.toThrow(refusal);
      expect(await verifyAuditChain(db.current.prisma)).toMatchObject({ ok: true, eventsChecked: 2 });
    });

    it("warns when DATABASE_URL is the owner's, or a superuser's", async () => {
      expect(
        await auditProtectionWeakness({
          kind: "postgres",
          url: db.current.ownerUrl!,
          migrationUrl: db.current.ownerUrl!,
        }),
      ).toMatch(/is a superuser: it can alter or disable the audit tables' triggers/);
    });
  },
);

describe.runIf(process.env.TEST_DB !== "postgres")("the embedded database", () => {
  it("says that it has a single role", async () => {
    expect(await auditProtectionWeakness({ kind: "pglite", dataDir: "/unused" })).toMatch(/single role/);
  });
});
