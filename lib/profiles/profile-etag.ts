/**
 * The ETag of an access profile version, used for optimistic concurrency on PUT: a client
 * must show which version it edited, so two admins cannot silently overwrite each other.
 */
export function profileEtag(version: number): string {
  return `"v${version}"`;
}

/** Accepts the quoted form we send and the bare form some clients strip quotes to. */
export function etagMatches(ifMatch: string, version: number): boolean {
  const candidates = ifMatch.split(",").map((value) => value.trim().replace(/^W\//, ""));
  return candidates.some((value) => value === profileEtag(version) || value === `v${version}`);
}
