import { z } from "zod";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { decodeCursor, DEFAULT_PAGE_SIZE, toPage } from "../rest/pagination";
import { apimClientForInstance } from "../apim/client-for-instance";
import { findInstanceOrThrow } from "../instances/find-instance";
import { parseInput } from "../validation";
import { compareKeys, mergeSecrets, sortKey } from "./merge-secrets";
import { listSecretsInputSchema, type SecretPage } from "./schemas";

const cursorShape = z.object({ name: z.string(), id: z.string() });

/**
 * An instance's secrets by name: the ones Portcullis manages, and APIM's other secret named
 * values as "external" (fingerprint unknown). Never a value. Each page reads APIM's current
 * list, so Key Vault statuses are live and named values deleted in APIM show as such.
 */
export async function listSecrets(
  ctx: RequestContext,
  input: { instanceId: string; cursor?: string; limit?: number },
): Promise<SecretPage> {
  await authorize(ctx, "config.read");
  const { instanceId, cursor, limit = DEFAULT_PAGE_SIZE } = parseInput(listSecretsInputSchema, input, "query");
  const after = decodeCursor(cursor, cursorShape);
  const db = getDb();
  const instance = await findInstanceOrThrow(db, instanceId);
  const [rows, rotations, live] = await Promise.all([
    db.secret.findMany({ where: { instanceId: instance.id } }),
    db.secretRotation.findMany({
      where: { instanceId: instance.id, deletedAt: null },
      select: { newNamedValueId: true, oldNamedValueId: true },
    }),
    apimClientForInstance(instance).listNamedValues({ correlationId: ctx.requestId }),
  ]);
  const rotating = rotations.flatMap((rotation) => [rotation.newNamedValueId, rotation.oldNamedValueId]);
  const secrets = mergeSecrets(instance.id, rows, live.value, rotating).filter(
    (secret) => !after || compareKeys(sortKey(secret), after) > 0,
  );
  return toPage(secrets.slice(0, limit + 1), limit, (secret) => secret, sortKey);
}
