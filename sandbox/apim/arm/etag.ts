/**
 * APIM ETags look like `"AAAAAADmodU="`: the base64 of an 8-byte big-endian row version
 * (recordings/azure-cli__test_apim_named_value.yaml), quotes included. The simulator keeps
 * one counter for the whole service, like a database rowversion, so an ETag is never
 * reused — not even after an entity is deleted and created again.
 */
export class EtagClock {
  private last: bigint;

  /** `floor` is the highest row version already handed out (e.g. found on disk). */
  constructor(floor: bigint) {
    // Starting from the wall clock keeps ETags increasing across restarts even when the
    // entity that carried the highest one was deleted before the restart.
    const now = BigInt(Date.now()) * 1000n;
    this.last = floor > now ? floor : now;
  }

  next(): string {
    this.last += 1n;
    return formatEtag(this.last);
  }
}

export function formatEtag(rowVersion: bigint): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(rowVersion);
  return `"${bytes.toString("base64")}"`;
}

/** The row version inside an ETag this simulator issued, or 0 for anything else. */
export function rowVersionOf(etag: string): bigint {
  const bytes = Buffer.from(unquote(etag), "base64");
  return bytes.length === 8 ? bytes.readBigUInt64BE() : 0n;
}

/**
 * Evaluates an `If-Match` header against the entity's current ETag (`undefined` when the
 * entity does not exist). `*` matches any existing entity; otherwise one of the listed
 * ETags must equal the current one. Quoting is compared leniently because clients differ
 * in whether they keep the quotes the service sent.
 */
export function ifMatchSatisfied(header: string, currentEtag: string | undefined): boolean {
  if (currentEtag === undefined) return false;
  const wanted = unquote(currentEtag);
  return header
    .split(",")
    .map((candidate) => candidate.trim())
    .some((candidate) => candidate === "*" || unquote(candidate) === wanted);
}

function unquote(etag: string): string {
  const strong = etag.startsWith("W/") ? etag.slice(2) : etag;
  return strong.length >= 2 && strong.startsWith('"') && strong.endsWith('"') ? strong.slice(1, -1) : strong;
}
