import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { trustedPublicKeys } from "./trusted-keys";

/** The public keys that verify checkpoints (REST GET /audit/signing-key), for offline verification. */
export async function getAuditSigningKeys(ctx: RequestContext): Promise<{ keys: Array<Record<string, unknown>> }> {
  await authorize(ctx, "audit.read");
  return { keys: (await trustedPublicKeys()) as Array<Record<string, unknown>> };
}
