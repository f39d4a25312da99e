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
 * An export line of an event of `e`: the public event (every hashed field, then the hash) in the
 * order JSON.stringify writes it, with before/after as jsonb writes them (the same JSON values,
 * spaced as PostgreSQL spaces them).
 */
export const EXPORT_LINE_SQL = `'{"seq":"' || e.seq::text || '","id":"' || e.id::text || '","time":"' || ${ISO_TIME}
  || '","actor":{"type":' || ${json("e.actor_type")} || ',"oid":' || ${json("e.actor_oid")} || ',"tid":' || ${json("e.actor_tid")}
  || ',"name":' || ${json("e.actor_name")} || '},"action":' || ${json("e.action")} || ',"target":{"type":' || ${json("e.target_type")}
  || ',"id":' || ${json("e.target_id")} || '},"before":' || COALESCE(e.before::text, 'null')
  || ',"after":' || COALESCE(e.after::text, 'null') || ',"outcome":' || ${json("e.outcome")}
  || ',"requestId":' || ${json("e.request_id")} || ',"armCorrelationId":' || ${json("e.arm_correlation_id")}
  || ',"clientIp":' || ${json("e.client_ip")} || ',"prevHash":' || ${json("e.prev_hash")} || ',"hash":' || ${json("e.hash")} || '}'`;
