import { EMPTY_POLICY_DOCUMENT, mergePolicy } from "../merge/merge-policy";
import type { AccessProfile } from "../profile-schema";

/** A complete API policy for a profile: APIM's default document with the engine's block merged in. */
export function renderPolicy(profile: AccessProfile): string {
  const merged = mergePolicy(EMPTY_POLICY_DOCUMENT, profile, { format: "xml" });
  // The default document is fixed and well-formed, so merging into it cannot fail.
  if (!merged.ok) throw new Error(`internal error: ${merged.error.message}`);
  return merged.text;
}
