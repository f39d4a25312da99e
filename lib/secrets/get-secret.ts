import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { apimClientForInstance } from "../apim/client-for-instance";
import { parseInput } from "../validation";
import { findSecretOrThrow } from "./find-secret";
import { secretIdInputSchema, type SecretView } from "./schemas";
import { managedSecretView } from "./secret-view";

/** One managed secret as Portcullis recorded it and APIM holds it now. Never its value. */
export async function getSecret(ctx: RequestContext, input: { secretId: string }): Promise<SecretView> {
  await authorize(ctx, "config.read");
  const { secretId } = parseInput(secretIdInputSchema, input, "secret");
  const secret = await findSecretOrThrow(getDb(), secretId);
  const { value: live } = await apimClientForInstance(secret.instance).getNamedValue(secret.namedValueId, {
    correlationId: ctx.requestId,
  });
  return managedSecretView(secret, live);
}
