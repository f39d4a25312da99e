import type { ApimClient } from "../../apim";
import { profileReferences, type AccessProfile } from "../../policy";
import type { LiveState } from "./compute-plan";

/**
 * Reads what a plan compares against, all at once: the API's policy (`format: xml`, with its
 * ETag), the backends involved, and the named values when anything references one — the
 * profile (they must exist) or a hand-written part of the policy (lint checks those exist).
 */
export async function readLiveState(
  apim: ApimClient,
  apimName: string,
  profile: AccessProfile,
  backendIds: readonly string[],
  correlationId: string,
): Promise<LiveState> {
  const call = { correlationId };
  const listNamedValues = async () => (await apim.listNamedValues(call)).value;
  const [policy, backends, profileNamedValues] = await Promise.all([
    apim.getApiPolicy(apimName, call).then((result) => result.value),
    Promise.all(
      backendIds.map(async (backendId) => [backendId, (await apim.getBackend(backendId, call)).value] as const),
    ),
    profileReferences(profile).namedValues.length > 0 ? listNamedValues() : null,
  ]);
  const namedValues = profileNamedValues ?? (policy?.xml.includes("{{") ? await listNamedValues() : []);
  return { policy, backends: new Map(backends), namedValues };
}
