import { isDeepStrictEqual } from "node:util";
import type { AccessProfile, CallerAuth } from "../policy/profile-schema";
import type { ProfileChange } from "./change-schema";

/**
 * What one change makes of one API's profile: the edited profile, `unchanged` when the profile
 * already says it (nothing is saved), or why the change does not fit this profile (the API is
 * blocked in the set, named with the reason). The result is validated again when it is saved.
 */
export type ProfileEdit =
  { kind: "edited"; profile: AccessProfile } | { kind: "unchanged" } | { kind: "refused"; reason: string };

type Entra = Extract<CallerAuth, { mode: "entra" }>;
type WithAudiences = Extract<CallerAuth, { mode: "entra" | "jwt" }>;

export function editProfile(profile: AccessProfile, change: ProfileChange): ProfileEdit {
  switch (change.op) {
    case "addClientApplication":
      return onEntra(profile, (entra) =>
        entra.clientApplicationIds.includes(change.clientApplicationId)
          ? null
          : { ...entra, clientApplicationIds: [...entra.clientApplicationIds, change.clientApplicationId] },
      );
    case "removeClientApplication":
      return onEntra(profile, (entra) => {
        if (!entra.clientApplicationIds.includes(change.clientApplicationId)) return null;
        if (entra.clientApplicationIds.length === 1)
          return `${change.clientApplicationId} is the only client application this API lets in; an Entra profile needs at least one.`;
        return {
          ...entra,
          clientApplicationIds: entra.clientApplicationIds.filter((id) => id !== change.clientApplicationId),
        };
      });
    case "setTenant":
      return onEntra(profile, (entra) =>
        entra.tenantId === change.tenantId ? null : { ...entra, tenantId: change.tenantId },
      );
    case "addAudience":
      return onValidatedCallers(profile, (callers) =>
        callers.audiences.includes(change.audience)
          ? null
          : { ...callers, audiences: [...callers.audiences, change.audience] },
      );
    case "removeAudience":
      return onValidatedCallers(profile, (callers) => {
        if (!callers.audiences.includes(change.audience)) return null;
        if (callers.mode === "jwt" && callers.audiences.length === 1)
          return `${change.audience} is the only audience this API accepts; a JWT profile needs at least one.`;
        return { ...callers, audiences: callers.audiences.filter((audience) => audience !== change.audience) };
      });
    case "addRequiredClaim":
      return onValidatedCallers(profile, (callers) => {
        const others = callers.requiredClaims.filter((claim) => claim.name !== change.claim.name);
        const edited = { ...callers, requiredClaims: [...others, change.claim] };
        return isDeepStrictEqual(edited.requiredClaims, callers.requiredClaims) ? null : edited;
      });
    case "removeRequiredClaim":
      return onValidatedCallers(profile, (callers) =>
        callers.requiredClaims.some((claim) => claim.name === change.name)
          ? { ...callers, requiredClaims: callers.requiredClaims.filter((claim) => claim.name !== change.name) }
          : null,
      );
    case "setBackendAuth":
      return isDeepStrictEqual(profile.backendAuth, change.backendAuth)
        ? { kind: "unchanged" }
        : { kind: "edited", profile: { ...profile, backendAuth: change.backendAuth } };
  }
}

/** `null`: nothing to change; a string: why the change does not fit; otherwise the new caller auth. */
type CallerEdit<T> = (callers: T) => T | string | null;

function onEntra(profile: AccessProfile, edit: CallerEdit<Entra>): ProfileEdit {
  const caller = profile.callerAuth;
  if (caller.mode !== "entra")
    return {
      kind: "refused",
      reason: `This API's callers are checked by ${modeName(caller.mode)}, which has no client application ids or tenant; only an Entra ID profile does.`,
    };
  return result(profile, edit(caller));
}

function onValidatedCallers(profile: AccessProfile, edit: CallerEdit<WithAudiences>): ProfileEdit {
  const caller = profile.callerAuth;
  if (caller.mode === "none")
    return {
      kind: "refused",
      reason: "This API checks no caller token (caller auth none), so it has no audiences or required claims.",
    };
  return result(profile, edit(caller));
}

function result(profile: AccessProfile, edited: CallerAuth | string | null): ProfileEdit {
  if (edited === null) return { kind: "unchanged" };
  if (typeof edited === "string") return { kind: "refused", reason: edited };
  return { kind: "edited", profile: { ...profile, callerAuth: edited } };
}

function modeName(mode: CallerAuth["mode"]): string {
  return mode === "none" ? "nothing (caller auth none)" : mode === "jwt" ? "validate-jwt" : "validate-azure-ad-token";
}
