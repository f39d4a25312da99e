import { ifMatchRequired, preconditionFailed } from "./apim-errors";
import { ifMatchSatisfied } from "./etag";

/**
 * The If-Match rules of 01-arm-rest-reference.md §1:
 * - PUT: If-Match is optional. When sent it must match the existing entity; `*` also
 *   allows creating one (the spec examples create with `If-Match: *`). A specific ETag for
 *   an entity that does not exist fails with 412 rather than creating it (invented, RFC 9110).
 * - PATCH and DELETE: If-Match is required (`*` allowed) and must match.
 */
export function checkPutPrecondition(ifMatch: string | undefined, currentEtag: string | undefined): void {
  if (ifMatch === undefined) return;
  if (currentEtag === undefined ? ifMatch.trim() === "*" : ifMatchSatisfied(ifMatch, currentEtag)) return;
  throw preconditionFailed();
}

/** Call before looking the entity up: a missing header is rejected even for absent entities. */
export function requireIfMatch(ifMatch: string | undefined): string {
  if (ifMatch === undefined) throw ifMatchRequired();
  return ifMatch;
}

export function checkUpdatePrecondition(ifMatch: string, currentEtag: string): void {
  if (!ifMatchSatisfied(ifMatch, currentEtag)) throw preconditionFailed();
}
