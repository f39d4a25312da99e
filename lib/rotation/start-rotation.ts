import { randomUUID } from "node:crypto";
import type { NamedValue } from "../apim";
import { apimClientForInstance } from "../apim/client-for-instance";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { getConfig } from "../env";
import { AppError } from "../errors";
import { failSecretChange } from "../secrets/fail-secret-change";
import { findSecretOrThrow } from "../secrets/find-secret";
import { fingerprintOf } from "../secrets/fingerprint";
import { parseInput } from "../validation";
import { recordRotationStep } from "./record-rotation-step";
import { rotatedName } from "./rotated-name";
import { isOpen, toRotationView } from "./rotation-view";
import { startRotationInputSchema, type RotationView } from "./schemas";
import { planSwitch } from "./plan-switch";
import { refuseHandWrittenReferences } from "./find-hand-written-references";

/**
 * Starts a key rotation of a typed secret without Portcullis ever keeping the key: the new value
 * goes to a NEW secret named value in APIM (and nowhere else), then every access profile that
 * sends the old named value gets a version that sends the new one, each with its ordinary plan.
 * Nothing references the new named value until the admin applies those plans (applyRotation);
 * the old one keeps working until then and through the grace period after. A named value also
 * used where no plan can switch it (hand-written policy, backend) is refused before anything is created.
 */
export async function startRotation(
  ctx: RequestContext,
  input: { secretId: string; value: string; graceMinutes?: number },
): Promise<RotationView> {
  await authorize(ctx, "config.write");
  const { secretId, value, graceMinutes } = parseInput(startRotationInputSchema, input, "rotation");
  const fingerprint = fingerprintOf(value);
  const db = getDb();
  const secret = await findSecretOrThrow(db, secretId);
  if (secret.kind !== "value")
    throw new AppError(
      "conflict",
      `"${secret.displayName}" refers to a Key Vault secret: rotate it in Key Vault, then refresh it here.`,
    );
  // Compared by fingerprint (the value is never kept): the same key again would rotate to nothing,
  // and a planned rotation can only be left by applying it.
  if (secret.fingerprint === fingerprint)
    throw new AppError("bad_request", "The rotation is not valid: value is the secret's current value.", {
      fields: [{ path: "value", message: "is the secret's current value: a rotation needs a new key" }],
    });
  const open = (
    await db.secretRotation.findMany({ where: { secretId, status: { notIn: ["rolled_back", "completed"] } } })
  ).find(isOpen);
  if (open)
    throw new AppError(
      "conflict",
      `"${secret.displayName}" has a rotation in progress (${open.status}); finish or roll it back first.`,
      { details: { rotationId: open.id } },
    );

  await refuseHandWrittenReferences(secret.instance, secret.displayName, ctx.requestId);

  const now = new Date();
  const newName = rotatedName(secret.displayName, now);
  const target = { type: "secret", id: secret.id };
  const apim = apimClientForInstance(secret.instance);
  const call = { correlationId: ctx.requestId };
  let created: NamedValue;
  try {
    const { value: current } = await apim.getNamedValue(secret.namedValueId, call);
    if (!current)
      throw new AppError(
        "not_found",
        `APIM no longer has the named value "${secret.displayName}" (it was deleted outside Portcullis): there is nothing to rotate from.`,
      );
    if ((await apim.getNamedValue(newName, call)).value)
      throw new AppError("conflict", `APIM already has a named value called "${newName}"; rotate again.`);
    created = (
      await apim.putNamedValue(
        newName,
        { displayName: newName, value, secret: true, tags: current.tags },
        "absent",
        call,
      )
    ).value;
  } catch (error) {
    return failSecretChange(
      ctx,
      error,
      {
        action: "secret.rotation.start",
        target,
        before: { namedValue: secret.displayName, fingerprint: secret.fingerprint },
        after: { namedValue: newName, fingerprint },
      },
      value,
    );
  }

  const rotation = await recordRotationStep(
    ctx,
    "start",
    (tx) =>
      tx.secretRotation.create({
        data: {
          id: randomUUID(),
          secretId: secret.id,
          instanceId: secret.instanceId,
          status: "planned",
          oldNamedValueId: secret.namedValueId,
          oldDisplayName: secret.displayName,
          oldFingerprint: secret.fingerprint,
          oldRotatedAt: secret.rotatedAt,
          newNamedValueId: created.name,
          newDisplayName: created.displayName,
          newFingerprint: fingerprint,
          plans: [],
          graceMinutes: graceMinutes ?? getConfig().rotationGraceMinutes,
          createdAt: now,
          createdBy: ctx.actor.name,
          updatedAt: now,
        },
      }),
    (row) => ({
      before: { namedValue: row.oldDisplayName, fingerprint: row.oldFingerprint },
      after: { namedValue: row.newDisplayName, fingerprint: row.newFingerprint, graceMinutes: row.graceMinutes },
    }),
  );
  return toRotationView(await planSwitch(ctx, rotation, "plan", rotation.oldDisplayName, rotation.newDisplayName));
}
