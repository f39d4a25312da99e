import type { AccessProfile } from "./profile-schema";

/**
 * What must exist in APIM before the rendered policy can be stored (APIM refuses a policy that
 * refers to a missing named value or backend): create the named values, then the backends, then
 * put the policy.
 */
export interface ProfileReferences {
  namedValues: string[];
  backendIds: string[];
}

export function profileReferences(profile: AccessProfile): ProfileReferences {
  const backend = profile.backendAuth;
  return {
    namedValues: backend.mode === "apiKey" ? [backend.namedValue] : [],
    backendIds: backend.mode !== "none" && backend.delivery === "backend" ? [backend.backendId] : [],
  };
}
