/**
 * What an adopting merge takes over from a hand-written policy: the statements readAccessProfile
 * read the profile from (the first unconditional caller validation of `<inbound>` with the
 * headers that drop the caller's token, and the backend authentication it chose), so the
 * managed block replaces them instead of running next to them.
 */
import { childElements, type PolicyElement } from "../document/policy-document";
import type { AccessProfile } from "../profile-schema";
import { readStatements } from "../read/read-statements";

/**
 * A part's statements are taken over only when the profile fills that part (a profile without
 * caller validation must not silently drop the hand-written one), and only when they hold no
 * setting a profile cannot describe (removing those would lose it). The backend entities do not
 * matter here: a `set-backend-service backend-id` statement is replaceable whatever its entity holds.
 */
export function adoptedStatements(container: PolicyElement, profile: AccessProfile): PolicyElement[] {
  const { sources } = readStatements(childElements(container), {});
  return (["callerAuth", "backendAuth"] as const)
    .filter((part) => profile[part].mode !== "none" && sources[part].replaceable)
    .flatMap((part) => sources[part].statements);
}
