/**
 * What the caller last saw of the entity it writes: its ETag, or that it did not exist.
 * Updates and deletes send exactly that ETag as `If-Match` (never `*`), so a change made by
 * anyone since the read fails with 412 instead of being overwritten; a create of an entity
 * seen absent sends no If-Match (ARM has no If-None-Match, so that write is unconditional).
 */
export type Expected = { etag: string } | "absent";

/** The If-Match header for a write, or undefined for a create. */
export function ifMatchFor(expected: Expected): string | undefined {
  return expected === "absent" ? undefined : ifMatchOf(expected.etag);
}

/** The ETag the caller read, refusing what would make the write unconditional. */
export function ifMatchOf(etag: string): string {
  const value = etag.trim();
  if (value === "" || value === "*")
    throw new Error(`expected.etag must be the ETag that was read, not ${JSON.stringify(etag)}`);
  return value;
}
