import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { apimClientForInstance } from "../apim/client-for-instance";
import { EMPTY_POLICY_DOCUMENT, readAccessProfile, type BackendEntityProperties, type PolicyReading } from "../policy";

export type LiveProfile =
  | { ok: true; hasPolicy: boolean; reading: PolicyReading }
  /** The live policy could not be read as a policy (broken markers, not XML). */
  | { ok: false; hasPolicy: true; error: { message: string; line?: number; column?: number } };

/**
 * What the API's live APIM policy already does, read as an access profile, so an admin can
 * adopt an API that was configured by hand instead of starting from nothing. Reads only:
 * the policy, then the backend entities the policy selects (the policy alone cannot say how a
 * `backend-id` authenticates). An API without a policy reads as APIM's default document.
 */
export async function readLiveProfile(ctx: RequestContext, input: { apiId: string }): Promise<LiveProfile> {
  await authorize(ctx, "config.read");
  const api = await findApiOrThrow(getDb(), input.apiId);
  const apim = apimClientForInstance(api.instance);
  const call = { correlationId: ctx.requestId };
  const { value: policy } = await apim.getApiPolicy(api.apimName, call);
  const text = policy?.xml ?? EMPTY_POLICY_DOCUMENT;

  const first = readAccessProfile(text);
  if (!first.ok) return { ok: false, hasPolicy: true, error: first.error };
  const backendIds = [
    ...new Set(first.reading.undetermined.flatMap((field) => (field.backendId ? [field.backendId] : []))),
  ];
  if (backendIds.length === 0) return { ok: true, hasPolicy: policy !== null, reading: first.reading };

  const backends: Record<string, BackendEntityProperties> = {};
  for (const backendId of backendIds) {
    const { value: backend } = await apim.getBackend(backendId, call);
    // ARM answers `credentials: null` for a backend without credentials; the engine wants it absent.
    if (backend)
      backends[backendId] = { ...backend.properties, credentials: backend.properties.credentials ?? undefined };
  }
  const second = readAccessProfile(text, { backends });
  // The text did not change between the two readings, so the second parses as the first did.
  return second.ok
    ? { ok: true, hasPolicy: policy !== null, reading: second.reading }
    : { ok: false, hasPolicy: true, error: second.error };
}
