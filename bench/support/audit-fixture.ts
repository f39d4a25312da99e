/**
 * The audit history of a large estate for benchmarks: a deterministic stream of events hashed
 * exactly as the app hashes them (lib/audit/event-hash.ts, the same function), a bulk loader that
 * writes them as the owner of the schema with the chain head consistent, and a PostgreSQL
 * template database that keeps a million of them between runs.
 *
 * Loading one event at a time through the app's insert trigger moves the head once per event:
 * in one transaction that is a million versions of one row, each found by walking the ones
 * before it. The loader instead does what only the owner can (the runtime role cannot): in one
 * transaction it disables the chain triggers, drops the secondary indexes, inserts the events in
 * multi-row statements continuing the chain from the head, rebuilds the indexes, moves the head
 * to the last event and enables the triggers again. Either all of it commits or none.
 */
import { createHash } from "node:crypto";
import { seededRandom } from "../../sandbox/apim/faults/seeded-random";
import { canonicalJson } from "../../lib/audit/canonical-json";
import { GENESIS_HASH, hashAuditEvent, type HashedAuditFields } from "../../lib/audit/event-hash";
import { migrateDatabase } from "../../lib/db/migrate-database";
import type { SqlSession } from "../../lib/db/sql-session";
import { postgresSession } from "../../lib/db/sql-session";
import { TEST_DATABASE_URL, withAdmin } from "../../test/support/test-database";

/** Bump when the generated events change: cached templates of another version are rebuilt. */
const FIXTURE_VERSION = 3;

export type FixtureEvent = HashedAuditFields & { hash: string };

/** Actors with a handful of events, all in the first weeks: the "rare actor" of the filter benchmark. */
export const RARE_ACTOR = {
  type: "user",
  oid: "7c0d51f4-0000-4000-8000-00000000e1a1",
  tid: null,
  name: "Rita Ræreløv",
};
/** A target with events in every month: the "target + month" filter. */
export const BUSY_TARGET = { type: "api", id: "api-00042" };
/** The change-set hashes of the approval events (one in 1,000), each with ~25 across the history: the change-hash filter. */
export const SET_HASHES = Array.from({ length: 40 }, (_, i) => createHash("sha256").update(`set-${i}`).digest("hex"));
/** An action that happens rarely: the "action + date range" filter. */
export const RARE_ACTION = "instance.register";

const ACTIONS = [
  ["deployment.step", 30],
  ["deployment.start", 10],
  ["deployment.finish", 10],
  ["plan.create", 10],
  ["profile.save", 8],
  ["auth.signin", 12],
  ["auth.signout", 4],
  ["auth.denied", 3],
  ["instance.sync", 4],
  ["secret.refresh", 2],
  ["secret.rotate", 1],
  ["audit.export", 1],
] as const;
const ACTION_TABLE = ACTIONS.flatMap(([action, weight]) => Array<string>(weight).fill(action));

const NAMES = ["Ana", "Björn", "Chloé", "Dmitri", "Élodie", "Farah", "Gustav", "Hiroshi", "Ingrid", "Jürgen", "Kāne"];
const SURNAMES = ["Müller", "Ødegård", "Nakamura", "O'Brien", "Smith", "Łukasiewicz", "García", "李", "Núñez", "Ng"];

function uuidFrom(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface GenerateOptions {
  /** Where the chain continues: the head's sequence number, hash and time. */
  after?: { seq: bigint; hash: string; time: Date | null };
  seed?: number;
  /** Time of the first event when the chain is empty (default 2025-12-01). */
  start?: Date;
  /** Mean seconds between events (default 30: a million events span about a year). */
  meanGapSeconds?: number;
}

/**
 * `count` events continuing the chain after `options.after` (the genesis by default), each with
 * its hash computed by hashAuditEvent. `before`/`after` are JSON as jsonb returns it.
 */
export function* generateAuditEvents(count: number, options: GenerateOptions = {}): Generator<FixtureEvent> {
  const rand = seededRandom(options.seed ?? 1);
  const users = Array.from({ length: 400 }, (_, i) => ({
    type: "user",
    oid: uuidFrom(rand),
    tid: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    name: `${NAMES[i % NAMES.length]} ${SURNAMES[Math.floor(i / NAMES.length) % SURNAMES.length]} ${i}`,
  }));
  const apps = [{ type: "app", oid: "portcullis", tid: null, name: "Portcullis" }];
  let seq = options.after?.seq ?? 0n;
  let prevHash = options.after?.hash ?? GENESIS_HASH;
  let time = Math.max(
    options.after?.time?.getTime() ?? 0,
    (options.start ?? new Date("2025-12-01T00:00:00Z")).getTime(),
  );
  const meanGapMs = (options.meanGapSeconds ?? 30) * 1000;
  for (let i = 0; i < count; i++) {
    seq += 1n;
    // Gaps of 0 ms happen (several events of one request): times repeat, never go back.
    time += rand() < 0.2 ? 0 : Math.floor(rand() * 2 * meanGapMs);
    const rare = i < 2000 && i % 100 === 7;
    const action = rare
      ? "profile.save"
      : i % 997 === 0
        ? RARE_ACTION
        : ACTION_TABLE[Math.floor(rand() * ACTION_TABLE.length)]!;
    const actor = rare
      ? RARE_ACTOR
      : action.startsWith("deployment.") && rand() < 0.5
        ? apps[0]!
        : users[Math.floor(rand() * users.length)]!;
    const target =
      i % 50 === 0
        ? BUSY_TARGET
        : action.startsWith("instance.")
          ? { type: "instance", id: `instance-${Math.floor(rand() * 10)}` }
          : action.startsWith("auth.")
            ? { type: "session", id: uuidFrom(rand) }
            : { type: "api", id: `api-${String(Math.floor(rand() * 5000)).padStart(5, "0")}` };
    const { before, after } = payload(action, rand, i);
    // One in 1,000 approves a change set instead (the random draws stay those of the other events).
    const setApproval = i % 1000 === 500;
    const fields: HashedAuditFields = {
      seq: seq.toString(),
      id: uuidFrom(rand),
      time: new Date(time).toISOString(),
      actor,
      action: setApproval ? "approval.approve" : action,
      target: setApproval ? { type: "change_set", id: `set-${Math.floor(i / 1000) % 40}` } : target,
      before: setApproval ? null : before,
      after: setApproval ? { setHash: SET_HASHES[Math.floor(i / 1000) % 40] } : after,
      outcome: action === "auth.denied" ? "denied" : rand() < 0.02 ? "failure" : "success",
      requestId: rand() < 0.9 ? uuidFrom(rand) : null,
      armCorrelationId: action.startsWith("deployment.") ? uuidFrom(rand) : null,
      clientIp: actor.type === "user" ? `10.${i % 256}.${(i >> 8) % 256}.${(i >> 16) % 256}` : null,
      prevHash,
    };
    const hash = hashAuditEvent(fields);
    prevHash = hash;
    yield { ...fields, hash };
  }
}

/** Payloads of the sizes and shapes the use cases write, with numbers and text that canonical JSON must get right. */
function payload(action: string, rand: () => number, i: number): { before: unknown; after: unknown } {
  switch (action) {
    case "profile.save":
      return {
        before:
          i % 3 === 0
            ? null
            : { version: Math.floor(rand() * 40), callerAuth: { mode: "entra", audiences: ["api://a"] } },
        after: {
          version: Math.floor(rand() * 40) + 1,
          callerAuth: { mode: "entra", audiences: ["api://a", "api://b"], clientApplications: [uuidFrom(rand)] },
          backendAuth: { mode: "managed-identity", resource: "https://cognitiveservices.azure.com" },
          rateLimit: { calls: 1000, renewalPeriod: 60, ratio: 0.25, big: 1e21, small: 5e-7 },
          note: 'Zoë\'s "profile" — 日本語 ✓ \u2028 \t end',
        },
      };
    case "deployment.step":
      return {
        before: null,
        after: { step: Math.floor(rand() * 4), operation: "put-policy", etag: `"${uuidFrom(rand)}"`, ms: rand() * 100 },
      };
    case "plan.create":
      // The plan's content hash, as approvals record it: the planHash filter's values.
      return {
        before: null,
        after: {
          operations: Math.floor(rand() * 5),
          planId: uuidFrom(rand),
          planHash: uuidFrom(rand).replace(/-/g, "").repeat(2),
        },
      };
    case "auth.denied":
      return { before: null, after: { permission: "profile.write", reason: "missing role" } };
    default:
      return { before: null, after: i % 2 === 0 ? null : { n: i, ok: true } };
  }
}

const COLUMNS = [
  ["seq", "bigint"],
  ["id", "uuid"],
  ["time", "timestamptz"],
  ["actor_type", "text"],
  ["actor_oid", "text"],
  ["actor_tid", "text"],
  ["actor_name", "text"],
  ["action", "text"],
  ["target_type", "text"],
  ["target_id", "text"],
  ["before_canonical", "text"],
  ["after_canonical", "text"],
  ["outcome", "text"],
  ["request_id", "text"],
  ["arm_correlation_id", "text"],
  ["client_ip", "text"],
  ["prev_hash", "text"],
  ["hash", "text"],
] as const;

const INSERT = `INSERT INTO "audit_events" (${COLUMNS.map(([c]) => `"${c}"`).join(", ")})
  SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ")})`;

function columnsOf(events: readonly FixtureEvent[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => new Array<unknown>(events.length));
  events.forEach((e, row) => {
    const values = [
      e.seq,
      e.id,
      e.time,
      e.actor.type,
      e.actor.oid,
      e.actor.tid,
      e.actor.name,
      e.action,
      e.target.type,
      e.target.id,
      canonicalJson(e.before),
      canonicalJson(e.after),
      e.outcome,
      e.requestId,
      e.armCorrelationId,
      e.clientIp,
      e.prevHash,
      e.hash,
    ];
    values.forEach((value, column) => (columns[column]![row] = value));
  });
  return columns;
}

export interface LoadResult {
  loaded: number;
  head: { seq: bigint; hash: string };
}

/**
 * Appends `count` generated events to the chain of the database behind `session`, which must
 * sign in as the owner of the audit tables (MIGRATION_DATABASE_URL; on PGlite its only role).
 * With `events` given, loads those instead (they must continue the chain at its head).
 */
export async function bulkLoadAuditEvents(
  session: SqlSession,
  what: { count: number; seed?: number } | { events: Iterable<FixtureEvent> },
  options: { rebuildIndexes?: boolean; batch?: number } = {},
): Promise<LoadResult> {
  const batchSize = options.batch ?? 2000;
  await session.exec("BEGIN");
  try {
    // The triggers and indexes are the owner's to switch off; ALTER TABLE locks the table until commit.
    await session.exec(`ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_continue_chain";
      ALTER TABLE "audit_chain_head" DISABLE TRIGGER "audit_chain_head_forward_only"`);
    const [head] = await session.query<{ last_seq: string; last_hash: string; last_time: Date | null }>(
      `SELECT last_seq::text, last_hash, last_time FROM "audit_chain_head" WHERE id = 1`,
    );
    if (!head) throw new Error("audit_chain_head is missing: migrate the database first");
    const after = {
      seq: BigInt(head.last_seq),
      hash: head.last_hash,
      time: head.last_time && new Date(head.last_time),
    };
    const indexes = options.rebuildIndexes
      ? await session.query<{ name: string; definition: string }>(
          `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
            WHERE tablename = 'audit_events' AND indexname <> 'audit_events_pkey'`,
        )
      : [];
    for (const index of indexes) await session.exec(`DROP INDEX "${index.name}"`);
    const events = "events" in what ? what.events : generateAuditEvents(what.count, { after, seed: what.seed });
    let last = { seq: after.seq, hash: after.hash, time: after.time?.toISOString() ?? null };
    let loaded = 0;
    let batch: FixtureEvent[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await session.query(INSERT, columnsOf(batch));
      loaded += batch.length;
      batch = [];
    };
    for (const event of events) {
      if (BigInt(event.seq) !== last.seq + 1n || event.prevHash !== last.hash)
        throw new Error(`event ${event.seq} does not continue the chain at ${last.seq}`);
      last = { seq: BigInt(event.seq), hash: event.hash, time: event.time };
      batch.push(event);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    for (const index of indexes) await session.exec(index.definition);
    if (loaded > 0)
      await session.query(`UPDATE "audit_chain_head" SET last_seq = $1, last_hash = $2, last_time = $3 WHERE id = 1`, [
        last.seq.toString(),
        last.hash,
        last.time,
      ]);
    await session.exec(`ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_continue_chain";
      ALTER TABLE "audit_chain_head" ENABLE TRIGGER "audit_chain_head_forward_only"`);
    await session.exec("COMMIT");
    return { loaded, head: { seq: last.seq, hash: last.hash } };
  } catch (error) {
    await session.exec("ROLLBACK");
    throw error;
  }
}

/**
 * A PostgreSQL database (next to TEST_DATABASE_URL's) holding `count` fixture events, migrated
 * to the latest migrations, kept between runs as a template: reused when its comment names this
 * fixture and its head is still the one recorded, rebuilt otherwise. Returns its URL.
 */
export async function ensureAuditTemplate(count: number): Promise<{ url: string; name: string; built: boolean }> {
  const name = `portcullis_bench_audit_${count >= 1_000_000 && count % 1_000_000 === 0 ? `${count / 1_000_000}m` : count}`;
  const url = databaseUrl(name);
  const identity = { fixture: FIXTURE_VERSION, events: count, generator: generatorDigest() };
  const existing = await withAdmin(async (admin) => {
    const rows = await admin.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [name],
    );
    return rows.rows[0];
  });
  if (existing) {
    const recorded = parseComment(existing.comment);
    if (
      recorded &&
      recorded.fixture === identity.fixture &&
      recorded.events === count &&
      recorded.generator === identity.generator
    ) {
      const session = await postgresSession(url);
      try {
        const [head] = await session.query<{ last_seq: string; last_hash: string }>(
          `SELECT last_seq::text, last_hash FROM "audit_chain_head" WHERE id = 1`,
        );
        if (head?.last_seq === String(count) && head.last_hash === recorded.headHash) {
          // New migrations (indexes, say) apply to the template once, not to every copy.
          await migrateDatabase({ kind: "postgres", url, migrationUrl: url });
          return { url, name, built: false };
        }
      } finally {
        await session.close();
      }
    }
    await withAdmin((admin) => admin.query(`DROP DATABASE "${name}" WITH (FORCE)`));
  }
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  try {
    await migrateDatabase({ kind: "postgres", url, migrationUrl: url });
    const session = await postgresSession(url);
    try {
      const result = await bulkLoadAuditEvents(session, { count }, { rebuildIndexes: true, batch: 5000 });
      await session.exec("ANALYZE");
      const comment = JSON.stringify({ ...identity, headHash: result.head.hash });
      await session.exec(`COMMENT ON DATABASE "${name}" IS '${comment.replace(/'/g, "''")}'`);
    } finally {
      await session.close();
    }
  } catch (error) {
    await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    throw error;
  }
  return { url, name, built: true };
}

/** A scratch copy of a template (CREATE DATABASE … TEMPLATE: a file copy, seconds for a million events). */
export async function copyOfTemplate(template: string): Promise<string> {
  const name = `portcullis_test_${Math.random().toString(16).slice(2, 14)}`;
  await withAdmin((admin) => admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
  return databaseUrl(name);
}

function parseComment(comment: string | null): (Record<string, unknown> & { headHash?: string }) | null {
  try {
    return comment ? (JSON.parse(comment) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A digest of the first events, so a change to the generator rebuilds the template even without a version bump. */
function generatorDigest(): string {
  const digest = createHash("sha256");
  for (const event of generateAuditEvents(200)) digest.update(event.hash);
  return digest.digest("hex").slice(0, 16);
}

function databaseUrl(name: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
