import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { parseInput } from "../validation";
import { createManagedSecret } from "./create-managed-secret";
import { fingerprintOf } from "./fingerprint";
import { createSecretInputSchema, type SecretView } from "./schemas";

/**
 * Creates a secret named value holding a typed value. The value goes to APIM in the request
 * body and nowhere else: Portcullis keeps only its fingerprint. Refused (conflict) when APIM
 * already has a named value of that name; rotate that one instead.
 */
export async function createSecret(
  ctx: RequestContext,
  input: { instanceId: string; name: string; value: string },
): Promise<SecretView> {
  await authorize(ctx, "config.write");
  const { instanceId, name, value } = parseInput(createSecretInputSchema, input, "secret");
  return createManagedSecret(ctx, {
    instanceId,
    name,
    namedValue: { displayName: name, value, secret: true },
    kind: "value",
    fingerprint: fingerprintOf(value),
    value,
  });
}
