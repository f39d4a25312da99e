import { formatPath } from "../../validation";

/** One field that differs between two JSON documents; `null` stands for "absent". */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

/**
 * The fields that differ between two JSON values, by path (`credentials.header.api-key`).
 * Objects are walked; arrays and scalars are compared whole, because an array of header values
 * or client ids reads better as one before/after pair than as index-by-index changes.
 */
export function fieldChanges(before: unknown, after: unknown, path: readonly PropertyKey[] = []): FieldChange[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => fieldChanges(before[key] ?? null, after[key] ?? null, [...path, key]));
  }
  if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return [];
  return [{ path: formatPath(path, "(whole)"), before: before ?? null, after: after ?? null }];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
