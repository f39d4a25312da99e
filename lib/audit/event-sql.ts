/*
 * Audit events written as JSON by the database itself, for the bulk readers: verification hashes
 * a million events where they are stored, export sends lines the database wrote (README,
 * "Verifying in the database"). The hashed text is byte for byte the application's
 * canonicalEventJson, the export line the same JSON values as its JSON.stringify
 * (checked-ranges.int.test.ts, on both engines):
 *
 * - a text column is `to_json(column)::text`: PostgreSQL escapes exactly the characters
 *   JSON.stringify escapes (quote, backslash, control characters; \b \f \n \r \t by name, the
 *   others as lowercase \u00xx) and nothing else; text never holds a lone surrogate;
 * - a time is `Date#toISOString` (timestamptz(3): milliseconds, UTC; years 1000–9999);
 * - uuid, bigint and the hash columns are plain text.
 */

/** A text column (or NULL) as a JSON value. */
function json(column: string): string {
  return `COALESCE(to_json(${column})::text, 'null')`;
}

const ISO_TIME = `to_char(e."time" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A text column (or NULL) quoted as a JSON string without escaping: only where text_plain says nothing needs it. */
function plain(column: string): string {
  return `COALESCE('"' || ${column} || '"', 'null')`;
}

/**
 * The canonical JSON of an event of `e` (canonicalEventJson of its hashed fields: keys in sorted
 * order), from its columns and the canonical text of before/after the chain stored with it
 * (migration 20261207600000_audit_canonical_payload), each text column written by `text`. NULL
 * for an event stored without that text.
 */
function canonicalEventSql(text: (column: string) => string): string {
  return `${canonicalUpToPrevHash(text)} || ${text("e.prev_hash")} || ${canonicalAfterPrevHash(text)}`;
}

/** The canonical JSON of an event of `e` up to the value of its previous hash (see canonicalEventSql). */
function canonicalUpToPrevHash(text: (column: string) => string): string {
  return `'{"action":' || ${text("e.action")} || ',"actor":{"name":' || ${text("e.actor_name")}
  || ',"oid":' || ${text("e.actor_oid")} || ',"tid":' || ${text("e.actor_tid")} || ',"type":' || ${text("e.actor_type")}
  || '},"after":' || e.after_canonical || ',"armCorrelationId":' || ${text("e.arm_correlation_id")}
  || ',"before":' || e.before_canonical || ',"clientIp":' || ${text("e.client_ip")} || ',"id":"' || e.id::text
  || '","outcome":' || ${text("e.outcome")} || ',"prevHash":'`;
}

/** The canonical JSON of an event of `e` after the value of its previous hash (see canonicalEventSql). */
function canonicalAfterPrevHash(text: (column: string) => string): string {
  return `',"requestId":' || ${text("e.request_id")} || ',"seq":"' || e.seq::text || '","target":{"id":' || ${text("e.target_id")}
  || ',"type":' || ${text("e.target_type")} || '},"time":"' || ${ISO_TIME} || '"}'`;
}

/** The canonical JSON of an event of `e`, every text column escaped by to_json. */
export const CANONICAL_EVENT_SQL = canonicalEventSql(json);

function digestOf(canonical: string): string {
  return `encode(sha256(convert_to(${canonical}, 'UTF8')), 'hex')`;
}

/** hashAuditEvent of an event of `e`, computed by the database (NULL without the canonical text). */
export const EVENT_DIGEST_SQL = digestOf(CANONICAL_EVENT_SQL);

/**
 * The WITH items, the last `chained (n, seq, "time", prev_hash, hash)`, that link events into the
 * chain one after the other (in a WITH RECURSIVE list): the n-th event of the item `events`
 * (numbered `n` from 1, its digest's columns selected from `w` by `columns`) gets the sequence
 * number n past the head's (`headSeq`), a time never before the previous one's (the head's
 * included), the previous hash, and its hash (EVENT_DIGEST_SQL's text). The sequencer's run
 * (chain-sequencer.ts) and a statement chaining its own events (chain-in-statement.ts) link alike.
 *
 * Only the hash needs the event before, so only it is recursive: each event's canonical text up
 * to and after its previous hash is written first, and the recursive item joins the two around
 * the previous one's hash and hashes it, taking them from one array each by position. A recursive
 * item that joined the events by number scanned them all at each step: ~1.4 ms a step for 401
 * events on PGlite (bench/README.md, "Change set").
 */
export function chainedEventsSql(events: string, columns: string, headSeq = "last_seq"): string {
  return `linked_events AS (
      SELECT e.n, e.seq, e."time", ${canonicalUpToPrevHash(json)} AS canonical_up_to,
        ${canonicalAfterPrevHash(json)} AS canonical_after
      FROM (
        SELECT w.n, h.seq + w.n AS seq, ${columns},
          GREATEST(h."time", max(w."time") OVER (ORDER BY w.n))::timestamptz AS "time"
        FROM ${events} w,
          (SELECT ${headSeq} AS seq, last_time::timestamptz AS "time" FROM audit_chain_head WHERE id = 1) h
      ) e
    ),
    linked AS MATERIALIZED (
      SELECT array_agg(canonical_up_to ORDER BY n) AS up_to, array_agg(canonical_after ORDER BY n) AS rest,
        count(*) AS total
      FROM linked_events
    ),
    linked_hashes (n, prev_hash, hash) AS (
      SELECT 0::bigint, NULL::text, last_hash FROM audit_chain_head WHERE id = 1
      UNION ALL
      SELECT c.n + 1, c.hash,
        ${digestOf(`l.up_to[c.n + 1] || ${json("c.hash")} || l.rest[c.n + 1]`)}
      FROM linked_hashes c, linked l WHERE c.n < l.total
    ),
    chained (n, seq, "time", prev_hash, hash) AS (
      SELECT e.n, e.seq, e."time", c.prev_hash, c.hash FROM linked_events e JOIN linked_hashes c ON c.n = e.n
    )`;
}

/**
 * EVENT_DIGEST_SQL while the derived columns are intact (DERIVED_COLUMNS_SQL): an event whose text
 * columns hold nothing JSON escapes (`text_plain`, nearly all of them) is written with plain
 * quotes — the same text, without the ten to_json calls that were half of building it.
 */
export const EVENT_DIGEST_DERIVED_SQL = digestOf(
  `CASE WHEN e.text_plain THEN ${canonicalEventSql(plain)} ELSE ${CANONICAL_EVENT_SQL} END`,
);

/**
 * Whether the stored canonical text of before/after says what the jsonb columns (what lists show)
 * say. Both are the event's content: either one changed alone is an altered event. A JSON null
 * has no jsonb value here (the chain writes SQL NULL). Raises an error (22P02) on a canonical
 * text that is not JSON at all, which only a hand-made change can store: the caller checks
 * those rows itself.
 */
export const SAME_PAYLOAD_SQL = `(e.before IS NOT DISTINCT FROM NULLIF(e.before_canonical, 'null')::jsonb
  AND e.after IS NOT DISTINCT FROM NULLIF(e.after_canonical, 'null')::jsonb)`;

/**
 * SAME_PAYLOAD_SQL where the jsonb columns are still the database's own derivation of the
 * canonical text (DERIVED_COLUMNS_SQL): an event whose before/after exist only as canonical text
 * (every event since migration 20261208500000_audit_derived_payload) has one copy, nothing to
 * compare; only events that also hold legacy jsonb are compared.
 */
export const SAME_DERIVED_PAYLOAD_SQL = `((e.before_legacy IS NULL AND e.after_legacy IS NULL) OR ${SAME_PAYLOAD_SQL})`;

/**
 * The generated columns of migration 20261208500000_audit_derived_payload and their expressions,
 * as the database spells them back (PostgreSQL 15 and PGlite alike).
 */
export const DERIVED_COLUMNS: Record<string, string> = {
  before: "COALESCE(before_legacy, (NULLIF(before_canonical, 'null'::text))::jsonb)",
  after: "COALESCE(after_legacy, (NULLIF(after_canonical, 'null'::text))::jsonb)",
  text_plain: String.raw`((((((((((((action || actor_name) || actor_oid) || COALESCE(actor_tid, ''::text)) || actor_type) || COALESCE(arm_correlation_id, ''::text)) || COALESCE(client_ip, ''::text)) || outcome) || COALESCE(request_id, ''::text)) || target_id) || target_type) || prev_hash) !~ '["\\\x01-\x1f]'::text)`,
};

/**
 * Whether every column of DERIVED_COLUMNS is still generated by exactly its expression (true or
 * false; $1: the names, $2: the expressions). A generated column cannot be written, only
 * redefined by the table's owner (ALTER TABLE … DROP EXPRESSION), who could then change it
 * alone: verification then compares every event's jsonb with its canonical text and escapes
 * every text column again, as before the migration.
 */
export const DERIVED_COLUMNS_SQL = `SELECT (count(*) = cardinality($1::text[]))::text FROM pg_attribute a
  JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  JOIN unnest($1::text[], $2::text[]) AS c(name, expression) ON c.name = a.attname
  WHERE a.attrelid = 'audit_events'::regclass AND a.attgenerated = 's' AND NOT a.attisdropped
    AND pg_get_expr(d.adbin, d.adrelid) = c.expression`;

/**
 * An export line of an event of `e`: the public event (every hashed field, then the hash) in the
 * order JSON.stringify writes it, with before/after as lists show them (the jsonb columns): the
 * legacy jsonb where the event has it, spaced as PostgreSQL spaces it, else the canonical text the
 * jsonb is derived from — the same JSON values, without converting jsonb back to text.
 */
function exportLineSql(text: (column: string) => string): string {
  return `'{"seq":"' || e.seq::text || '","id":"' || e.id::text || '","time":"' || ${ISO_TIME}
  || '","actor":{"type":' || ${text("e.actor_type")} || ',"oid":' || ${text("e.actor_oid")} || ',"tid":' || ${text("e.actor_tid")}
  || ',"name":' || ${text("e.actor_name")} || '},"action":' || ${text("e.action")} || ',"target":{"type":' || ${text("e.target_type")}
  || ',"id":' || ${text("e.target_id")} || '},"before":' || COALESCE(e.before_legacy::text, e.before_canonical, 'null')
  || ',"after":' || COALESCE(e.after_legacy::text, e.after_canonical, 'null') || ',"outcome":' || ${text("e.outcome")}
  || ',"requestId":' || ${text("e.request_id")} || ',"armCorrelationId":' || ${text("e.arm_correlation_id")}
  || ',"clientIp":' || ${text("e.client_ip")} || ',"prevHash":' || ${text("e.prev_hash")} || ',"hash":' || ${json("e.hash")} || '}'`;
}

/** The export line, its text columns quoted as they are where `text_plain` says nothing in them needs escaping. */
export const EXPORT_LINE_SQL = `CASE WHEN e.text_plain THEN ${exportLineSql(plain)} ELSE ${exportLineSql(json)} END`;
