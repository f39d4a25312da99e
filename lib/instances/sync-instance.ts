import { auditedStatement } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { apimClientForInstance } from "../apim/client-for-instance";
import type { ApimApi } from "../apim";
import { findInstanceOrThrow } from "./find-instance";
import { toInstanceView, type InstanceView } from "./schemas";

export interface SyncResult {
  instance: InstanceView;
  added: number;
  updated: number;
  gone: number;
  total: number;
}

/**
 * Discovers the instance's APIs from APIM (all pages) and records them: new APIs appear,
 * renamed ones are updated, and APIs no longer in APIM are marked gone (their history stays).
 * Only current revisions are managed: a policy belongs to the API, not to a revision.
 */
export async function syncInstance(ctx: RequestContext, input: { instanceId: string }): Promise<SyncResult> {
  await authorize(ctx, "config.write");
  const db = getDb();
  const instance = await findInstanceOrThrow(db, input.instanceId);
  const { value: apis, trace } = await apimClientForInstance(instance).listApis({ correlationId: ctx.requestId });
  const current = apis.filter((api) => api.isCurrent && !api.name.includes(";rev="));
  const now = new Date();
  const [counts] = await auditedStatement<{ added: number; updated: number; gone: number }>(
    db,
    (queue) =>
      recordListedApis(instance.id, current, now, (after) =>
        queue([
          {
            event: {
              actor: ctx.actor,
              action: "instance.sync",
              target: { type: "instance", id: instance.id },
              outcome: "success",
              requestId: ctx.requestId,
              armCorrelationId: trace.correlationId,
              clientIp: ctx.clientIp,
            },
            afterCanonicalSql: after,
          },
        ]),
      ),
    // One text whatever the instance or the number of APIs (they are parameters): parsed and
    // planned once per connection, not on every sync.
    { prepared: true },
  );
  const result = { added: counts!.added, updated: counts!.updated, gone: counts!.gone, total: current.length };
  return { instance: toInstanceView({ ...instance, lastSyncedAt: now }), ...result };
}

/**
 * One statement that compares the listed APIs with the instance's recorded ones and writes the
 * difference (inserts, updates of changed ones, gone marks, the instance's sync time) with the
 * sync's audit event, whose `after` counts what it wrote: written by the statement as canonical
 * JSON text (keys in sorted order; the counts are integers), so the event is chained in one
 * sequencer run (in the statement on PGlite), not by the two-statement run for jsonb. The
 * comparison is the database's, in the statement's snapshot: nothing is read beforehand per API,
 * and a sync of 5,000 APIs costs one round trip and no per-row work in this process
 * (bench/README.md, "Estate size").
 */
function recordListedApis(
  instanceId: string,
  listed: readonly ApimApi[],
  now: Date,
  queueEvent: (afterCanonical: Prisma.Sql) => Prisma.Sql,
): Prisma.Sql {
  const rows = JSON.stringify(
    listed.map((api) => ({ name: api.name, display: api.displayName, path: api.path, url: api.serviceUrl })),
  );
  const at = now.toISOString();
  return Prisma.sql`
    WITH listed AS (
      SELECT l.name, l.display, l.path, l.url, known.id AS known_id,
        (known.display_name, known.path, known.service_url) IS DISTINCT FROM (l.display, l.path, l.url)
          OR known.gone_at IS NOT NULL AS changed
      FROM jsonb_to_recordset(${rows}::jsonb) AS l(name text, display text, path text, url text)
      LEFT JOIN apis known ON known.instance_id = ${instanceId}::uuid AND known.apim_name = l.name
    ),
    added AS (
      INSERT INTO apis (id, instance_id, apim_name, display_name, path, service_url, discovered_at)
      SELECT gen_random_uuid(), ${instanceId}::uuid, name, display, path, url, ${at}::timestamptz
      FROM listed WHERE known_id IS NULL
      ON CONFLICT (instance_id, apim_name) DO NOTHING
      RETURNING 1
    ),
    updated AS (
      UPDATE apis SET display_name = listed.display, path = listed.path, service_url = listed.url, gone_at = NULL
      FROM listed WHERE apis.id = listed.known_id AND listed.changed
      RETURNING 1
    ),
    gone AS (
      UPDATE apis SET gone_at = ${at}::timestamptz
      WHERE instance_id = ${instanceId}::uuid AND gone_at IS NULL AND apim_name NOT IN (SELECT name FROM listed)
      RETURNING 1
    ),
    synced AS (
      UPDATE instances SET last_synced_at = ${at}::timestamptz WHERE id = ${instanceId}::uuid
    ),
    counts AS (
      SELECT (SELECT count(*) FROM added)::int AS added, (SELECT count(*) FROM updated)::int AS updated,
        (SELECT count(*) FROM gone)::int AS gone
    ),
    ${queueEvent(Prisma.sql`(SELECT '{"added":' || added || ',"gone":' || gone || ',"total":' || ${listed.length}::int
      || ',"updated":' || updated || '}' FROM counts)`)}
    SELECT added, updated, gone FROM counts`;
}
