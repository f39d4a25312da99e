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

/**
 * The canonical JSON of an event of `e` (canonicalEventJson of its hashed fields: keys in sorted
 * order), from its columns and the canonical text of before/after the chain stored with it
 * (migration 20261207600000_audit_canonical_payload). NULL for an event stored without that text.
 */
export const CANONICAL_EVENT_SQL = `'{"action":' || ${json("e.action")} || ',"actor":{"name":' || ${json("e.actor_name")}
  || ',"oid":' || ${json("e.actor_oid")} || ',"tid":' || ${json("e.actor_tid")} || ',"type":' || ${json("e.actor_type")}
  || '},"after":' || e.after_canonical || ',"armCorrelationId":' || ${json("e.arm_correlation_id")}
  || ',"before":' || e.before_canonical || ',"clientIp":' || ${json("e.client_ip")} || ',"id":"' || e.id::text
  || '","outcome":' || ${json("e.outcome")} || ',"prevHash":' || ${json("e.prev_hash")}
  || ',"requestId":' || ${json("e.request_id")} || ',"seq":"' || e.seq::text || '","target":{"id":' || ${json("e.target_id")}
  || ',"type":' || ${json("e.target_type")} || '},"time":"' || ${ISO_TIME} || '"}'`;

/** hashAuditEvent of an event of `e`, computed by the database (NULL without the canonical text). */
export const EVENT_DIGEST_SQL = `encode(sha256(convert_to(${CANONICAL_EVENT_SQL}, 'UTF8')), 'hex')`;

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
 * canonical text (PAYLOAD_DERIVED_SQL): an event whose before/after exist only as canonical text
 * (every event since migration 20261208500000_audit_derived_payload) has one copy, nothing to
 * compare; only events that also hold legacy jsonb are compared.
 */
export const SAME_DERIVED_PAYLOAD_SQL = `((e.before_legacy IS NULL AND e.after_legacy IS NULL) OR ${SAME_PAYLOAD_SQL})`;

/**
 * The jsonb columns' generation expressions, as the database spells them back (PostgreSQL and
 * PGlite alike; migration 20261208500000_audit_derived_payload).
 */
export const DERIVED_PAYLOAD_EXPRESSIONS = ["before", "after"].map(
  (column) => `COALESCE(${column}_legacy, (NULLIF(${column}_canonical, 'null'::text))::jsonb)`,
);

/**
 * Whether `before` and `after` are still generated from the canonical text exactly as the
 * migration made them (true or false; $1, $2: DERIVED_PAYLOAD_EXPRESSIONS). A generated column
 * cannot be written, only redefined by the table's owner (ALTER TABLE … DROP EXPRESSION): after
 * that, verification compares every event's jsonb with its canonical text again.
 */
export const PAYLOAD_DERIVED_SQL = `SELECT (count(*) = 2)::text FROM pg_attribute a
  JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = 'audit_events'::regclass AND a.attgenerated = 's' AND NOT a.attisdropped
    AND ((a.attname = 'before' AND pg_get_expr(d.adbin, d.adrelid) = $1)
      OR (a.attname = 'after' AND pg_get_expr(d.adbin, d.adrelid) = $2))`;

/**
 * An export line of an event of `e`: the public event (every hashed field, then the hash) in the
 * order JSON.stringify writes it, with before/after as lists show them (the jsonb columns): the
 * legacy jsonb where the event has it, spaced as PostgreSQL spaces it, else the canonical text the
 * jsonb is derived from — the same JSON values, without converting jsonb back to text.
 */
export const EXPORT_LINE_SQL = `'{"seq":"' || e.seq::text || '","id":"' || e.id::text || '","time":"' || ${ISO_TIME}
  || '","actor":{"type":' || ${json("e.actor_type")} || ',"oid":' || ${json("e.actor_oid")} || ',"tid":' || ${json("e.actor_tid")}
  || ',"name":' || ${json("e.actor_name")} || '},"action":' || ${json("e.action")} || ',"target":{"type":' || ${json("e.target_type")}
  || ',"id":' || ${json("e.target_id")} || '},"before":' || COALESCE(e.before_legacy::text, e.before_canonical, 'null')
  || ',"after":' || COALESCE(e.after_legacy::text, e.after_canonical, 'null') || ',"outcome":' || ${json("e.outcome")}
  || ',"requestId":' || ${json("e.request_id")} || ',"armCorrelationId":' || ${json("e.arm_correlation_id")}
  || ',"clientIp":' || ${json("e.client_ip")} || ',"prevHash":' || ${json("e.prev_hash")} || ',"hash":' || ${json("e.hash")} || '}'`;
