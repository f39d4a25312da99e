import canonicalize from "canonicalize";
import type { HashedAuditFields } from "./event-hash";

/**
 * RFC 8785 canonical JSON, byte for byte what the `canonicalize` package produces (and throwing
 * where it throws), written for speed: verification and export serialise a million events, and
 * the package's per-value `JSON.stringify` calls, array joins and cycle-tracking set cost about
 * as much as the SHA-256 that follows. Proved identical by canonical-json.test.ts over random
 * values (unicode, lone surrogates, edge numbers, nested objects and arrays).
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      return canonicalString(value);
    case "number":
      return canonicalNumber(value);
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out += ",";
          const item: unknown = value[i];
          out += item === undefined || typeof item === "symbol" ? "null" : canonicalJson(item);
        }
        return `${out}]`;
      }
      if (typeof (value as { toJSON?: unknown }).toJSON === "function") return library(value);
      return canonicalObject(value as Record<string, unknown>);
    default:
      // undefined, functions, symbols, bigints: whatever the package does with them.
      return library(value);
  }
}

function canonicalObject(object: Record<string, unknown>): string {
  const keys = Object.keys(object).sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = object[key];
    if (item === undefined || typeof item === "symbol") continue;
    if (!first) out += ",";
    first = false;
    out += `${canonicalString(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

const SURROGATE = /[\uD800-\uDFFF]/;

function canonicalString(value: string): string {
  if (SURROGATE.test(value) && hasLoneSurrogate(value)) throw new Error("Lone surrogate is not allowed");
  return JSON.stringify(value);
}

function canonicalNumber(value: number): string {
  if (Number.isNaN(value)) throw new Error("NaN is not allowed");
  if (!Number.isFinite(value)) throw new Error("Infinity is not allowed");
  return JSON.stringify(value);
}

function hasLoneSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (code >= 0xdc00 && code <= 0xdfff) return true;
  }
  return false;
}

function library(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new Error("audit event is not serialisable");
  return out;
}

/**
 * The canonical JSON of an event's hashed fields (exactly the shape HashedAuditFields names, as
 * toHashedFields builds it): the keys written in their sorted order — action, actor{name, oid,
 * tid, type}, after, armCorrelationId, before, clientIp, id, outcome, prevHash, requestId, seq,
 * target{id, type}, time — and only the free-form `before` and `after` walked by canonicalJson.
 * Any field of an unexpected kind (undefined, a number where text belongs) takes the general path.
 */
export function canonicalEventJson(f: HashedAuditFields): string {
  const a = f.actor;
  const t = f.target;
  if (
    typeof a !== "object" ||
    a === null ||
    typeof t !== "object" ||
    t === null ||
    !text(f.action, a.name, a.oid, a.type, t.id, t.type, f.id, f.outcome, f.prevHash, f.seq, f.time) ||
    !textOrNull(a.tid, f.armCorrelationId, f.clientIp, f.requestId) ||
    f.before === undefined ||
    f.after === undefined
  )
    return canonicalJson(f);
  return (
    `{"action":${canonicalString(f.action)},"actor":{"name":${canonicalString(a.name)},"oid":${canonicalString(a.oid)}` +
    `,"tid":${orNull(a.tid)},"type":${canonicalString(a.type)}},"after":${canonicalJson(f.after)}` +
    `,"armCorrelationId":${orNull(f.armCorrelationId)},"before":${canonicalJson(f.before)},"clientIp":${orNull(f.clientIp)}` +
    `,"id":${canonicalString(f.id)},"outcome":${canonicalString(f.outcome)},"prevHash":${canonicalString(f.prevHash)}` +
    `,"requestId":${orNull(f.requestId)},"seq":${canonicalString(f.seq)},"target":{"id":${canonicalString(t.id)}` +
    `,"type":${canonicalString(t.type)}},"time":${canonicalString(f.time)}}`
  );
}

function text(...values: unknown[]): boolean {
  for (const value of values) if (typeof value !== "string") return false;
  return true;
}

function textOrNull(...values: unknown[]): boolean {
  for (const value of values) if (value !== null && typeof value !== "string") return false;
  return true;
}

function orNull(value: string | null): string {
  return value === null ? "null" : canonicalString(value);
}
