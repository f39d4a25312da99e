"use server";

import { after } from "next/server";
import { refresh } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { applyRotation } from "@/lib/rotation/apply-rotation";
import { rollBackRotation } from "@/lib/rotation/roll-back-rotation";
import { graceMinutesSchema, rotationPolicyBodySchema } from "@/lib/rotation/schemas";
import { setRotationPolicy } from "@/lib/rotation/set-rotation-policy";
import { startRotation } from "@/lib/rotation/start-rotation";
import { secretValueSchema } from "@/lib/secrets/schemas";
import { parseInput } from "@/lib/validation";
import { actionError } from "../../../../action-error";
import { formFields } from "../../../../form-fields";

/*
 * The new key arrives in the form data and goes to the use case, and nowhere else: it is not
 * in any form state, result or redirect, so nothing can put it back into a page.
 */

/** A number typed in a form field: empty means absent (`null` where the field allows none). */
const typedNumber = (empty: undefined | null) =>
  z.preprocess((text) => (text === "" || text === undefined ? empty : Number(text)), z.unknown());

const startSchema = z.object({
  secretId: z.string(),
  value: secretValueSchema,
  graceMinutes: typedNumber(undefined).pipe(graceMinutesSchema.optional()),
});

export async function startRotationAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  let target: string;
  try {
    const ctx = await guardAction("config.write", "secret.rotation.start");
    const rotation = await startRotation(ctx, parseInput(startSchema, formFields(formData), "rotation"));
    // A URL of its own (not only a hash, which the client router takes for a scroll and so
    // would keep the page as it was): the page shows the new rotation's plans.
    target = `/instances/${rotation.instanceId}/secrets/${rotation.secretId}?rotation=${rotation.id}`;
  } catch (error) {
    return actionError(error);
  }
  redirect(target);
}

const rotationSchema = z.object({
  secretId: z.guid("must be a secret id"),
  rotationId: z.guid("must be a rotation id"),
});

/** Starts the apply; the deployments and verifications run after the response, and the page follows them. */
export async function applyRotationAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "secret.rotation.apply");
    const { run } = await applyRotation(ctx, parseInput(rotationSchema, formFields(formData)));
    after(run);
    refresh();
    return { status: "done", result: "Applying the plans: this page follows the deployments." };
  } catch (error) {
    return actionError(error);
  }
}

export async function rollBackRotationAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "secret.rotation.rollback");
    const rotation = await rollBackRotation(ctx, parseInput(rotationSchema, formFields(formData)));
    refresh();
    return {
      status: "done",
      result: `Planned the switch back to ${rotation.oldNamedValue.name}: read the plans, then apply the roll back.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

const policySchema = rotationPolicyBodySchema.extend({
  secretId: z.string(),
  intervalDays: typedNumber(null).pipe(rotationPolicyBodySchema.shape.intervalDays),
});

export async function setRotationPolicyAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "secret.rotation_policy");
    const secret = await setRotationPolicy(ctx, parseInput(policySchema, formFields(formData), "rotation policy"));
    refresh();
    return {
      status: "done",
      result: secret.rotation?.intervalDays
        ? `${secret.name} is to be rotated every ${secret.rotation.intervalDays} days.`
        : `${secret.name} has no rotation policy.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
