"use server";

import { refresh } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { registerInstance } from "@/lib/instances/register-instance";
import { instanceInputSchema, instanceSettingsInputSchema, type InstanceView } from "@/lib/instances/schemas";
import { updateInstanceSettings, type SettingsUpdate } from "@/lib/instances/update-instance-settings";
import { approveSettingsChange } from "@/lib/instances/approve-settings-change";
import { rejectSettingsChange } from "@/lib/instances/reject-settings-change";
import { syncInstance } from "@/lib/instances/sync-instance";
import { startInstanceVerification } from "@/lib/verification/verify-instance-access";
import { updateVerificationSettings } from "@/lib/verification/update-verification-settings";
import { parseInput } from "@/lib/validation";
import { actionError } from "../action-error";
import { formFields } from "../form-fields";

export async function registerInstanceAction(
  _previous: FormState<InstanceView>,
  formData: FormData,
): Promise<FormState<InstanceView>> {
  try {
    const ctx = await guardAction("config.write", "instance.register");
    const input = parseInput(instanceInputSchema, formFields(formData), "instance");
    const instance = await registerInstance(ctx, input);
    refresh();
    return { status: "done", result: instance };
  } catch (error) {
    return actionError(error);
  }
}

const syncInputSchema = z.object({ instanceId: z.guid("must be an instance id") });

/** Discovers the instance's APIs and says what changed, in words. */
export async function syncInstanceAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "instance.sync");
    const input = parseInput(syncInputSchema, formFields(formData));
    const { instance, added, updated, gone, total } = await syncInstance(ctx, input);
    refresh();
    return {
      status: "done",
      result: `Synced ${instance.name}: ${total} APIs in APIM — ${added} added, ${updated} updated, ${gone} gone (kept and marked gone).`,
    };
  } catch (error) {
    return actionError(error);
  }
}

const verifyAllInputSchema = z.object({ instanceId: z.guid("must be an instance id") });

/** "Verify all": starts the batch (it runs after the response) and opens its progress page. */
export async function verifyInstanceAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  let path: string;
  try {
    const ctx = await guardAction("config.write", "verification.batch");
    const input = parseInput(verifyAllInputSchema, formFields(formData));
    const { batch, run } = await startInstanceVerification(ctx, input);
    after(run);
    path = `/instances/${input.instanceId}/verifications/${batch.id}`;
  } catch (error) {
    return actionError(error);
  }
  redirect(path);
}

const settingsInputSchema = z.object({
  instanceId: z.guid("must be an instance id"),
  gatewayUrl: z.string().optional(),
  verifyAfterApply: z.literal("on").optional(),
});

/** Saves an instance's verification settings; an empty gateway URL means the one ARM reports. */
export async function updateVerificationSettingsAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "instance.verification-settings");
    const input = parseInput(settingsInputSchema, formFields(formData));
    const gatewayUrl = input.gatewayUrl?.trim() ? input.gatewayUrl.trim() : null;
    const instance = await updateVerificationSettings(ctx, {
      instanceId: input.instanceId,
      gatewayUrl,
      verifyAfterApply: input.verifyAfterApply === "on",
    });
    refresh();
    return {
      status: "done",
      result: `Saved: probes go to ${instance.gatewayUrl ?? "the gateway URL ARM reports"}; ${instance.verifyAfterApply ? "every successful apply is verified" : "applies are not verified automatically"}.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

/**
 * The instance's four-eyes settings as the form sends them: every setting every time (an
 * unchecked box is absent from a form), "none" and "default" standing for null.
 */
const settingsFormSchema = z.object({
  instanceId: z.string(),
  environment: z.string().transform((value) => (value === "none" ? null : value)),
  approvalsRequired: z
    .enum(["default", "0", "1", "2"], { error: "must be the default, 0, 1 or 2" })
    .transform((value) => (value === "default" ? null : Number(value))),
  automationApprovers: z
    .literal("on")
    .optional()
    .transform((value) => value === "on"),
  approvalLifetimeHours: z.coerce.number({ error: "must be a number of hours" }),
});

export async function updateInstanceSettingsAction(
  _previous: FormState<SettingsUpdate>,
  formData: FormData,
): Promise<FormState<SettingsUpdate>> {
  try {
    const ctx = await guardAction("config.write", "instance.settings");
    const { instanceId, ...fields } = parseInput(settingsFormSchema, formFields(formData), "instance settings");
    // Checked here too so that a refused value is named by its form field's own path.
    const settings = parseInput(instanceSettingsInputSchema, fields, "instance settings");
    const update = await updateInstanceSettings(ctx, { instanceId, settings });
    refresh();
    return { status: "done", result: update };
  } catch (error) {
    return actionError(error);
  }
}

/** Approves a pending settings change as shown (the form carries its hash); the last approval needed applies it. */
export async function approveSettingsChangeAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "approval.approve");
    const change = await approveSettingsChange(ctx, formFields(formData));
    refresh();
    return {
      status: "done",
      result:
        change.status === "applied"
          ? `Approved and applied: ${change.instance.name}'s settings changed.`
          : `Approved: ${change.approval.approvedBy} of ${change.approval.required} approvals.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

/** Rejects a pending settings change with the reason typed: it never applies. */
export async function rejectSettingsChangeAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "approval.reject");
    await rejectSettingsChange(ctx, formFields(formData));
    refresh();
    return { status: "done", result: "Rejected: the settings stay as they are." };
  } catch (error) {
    return actionError(error);
  }
}
