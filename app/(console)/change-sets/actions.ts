"use server";

import { refresh } from "next/cache";
import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { approveChangeSet } from "@/lib/change-sets/approve-change-set";
import { cancelChangeSet } from "@/lib/change-sets/cancel-change-set";
import { createChangeSet } from "@/lib/change-sets/create-change-set";
import { rejectChangeSet } from "@/lib/change-sets/reject-change-set";
import { startChangeSetApply } from "@/lib/change-sets/start-change-set-apply";
import { promoteAccessProfiles } from "@/lib/environments/promote-access-profiles";
import { applyTemplate } from "@/lib/templates/apply-template";
import { parseInput } from "@/lib/validation";
import { actionError } from "../action-error";
import { formFields } from "../form-fields";

/**
 * The console's change form, as the REST input: one operation and its value (`value` holds the
 * client id, tenant, audience, claim name or managed identity resource; a claim's values are
 * comma-separated). Backend auth switches are offered as two operations the form can express.
 */
const changeFormSchema = z
  .object({
    op: z.enum(
      [
        "addClientApplication",
        "removeClientApplication",
        "setTenant",
        "addAudience",
        "removeAudience",
        "addRequiredClaim",
        "removeRequiredClaim",
        "useManagedIdentity",
        "useNoBackendAuth",
      ],
      { error: "must be one of the changes offered" },
    ),
    value: z.string().optional(),
    claimValues: z.string().optional(),
    title: z.string().optional(),
  })
  .transform(({ op, value = "", claimValues = "", title }) => ({
    title,
    change: (() => {
      switch (op) {
        case "addClientApplication":
        case "removeClientApplication":
          return { op, clientApplicationId: value };
        case "setTenant":
          return { op, tenantId: value };
        case "addAudience":
        case "removeAudience":
          return { op, audience: value };
        case "addRequiredClaim":
          return {
            op,
            claim: {
              name: value,
              values: claimValues
                .split(",")
                .map((item) => item.trim())
                .filter((item) => item !== ""),
            },
          };
        case "removeRequiredClaim":
          return { op, name: value };
        case "useManagedIdentity":
          return {
            op: "setBackendAuth",
            backendAuth: { mode: "managedIdentity", resource: value, delivery: "policy" },
          };
        case "useNoBackendAuth":
          return { op: "setBackendAuth", backendAuth: { mode: "none" } };
      }
    })(),
  }));

const templateFormSchema = z.object({ op: z.literal("applyTemplate"), templateId: z.string() }).loose();

/**
 * Makes the change set from the APIs ticked and the change chosen, then opens it. "Apply a
 * profile template" is the template's own use case: the APIs follow it (applyTemplate); "Promote
 * to another instance" is promotion's: their profiles go to the instance chosen.
 */
export async function createChangeSetAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  let target: string;
  try {
    const ctx = await guardAction("config.write", "change_set.create");
    const apiIds = formData.getAll("apiId").filter((value) => typeof value === "string");
    const fields = formFields(formData);
    if (fields.op === "applyTemplate") {
      const { templateId } = parseInput(templateFormSchema, fields, "change");
      // One set per 500 APIs: several are listed, newest first, on the change sets page.
      const { changeSets } = await applyTemplate(ctx, { templateId, apply: { apiIds } });
      target = changeSets.length === 1 ? `/change-sets/${changeSets[0]!.id}` : "/change-sets";
    } else if (fields.op === "promote") {
      const { targetInstanceId, title } = fields;
      const set = await promoteAccessProfiles(ctx, { apiIds, targetInstanceId, ...(title ? { title } : {}) });
      target = `/change-sets/${set.id}`;
    } else {
      const { change, title } = parseInput(changeFormSchema, fields, "change");
      target = `/change-sets/${(await createChangeSet(ctx, { apiIds, change, ...(title ? { title } : {}) })).id}`;
    }
  } catch (error) {
    return actionError(error);
  }
  redirect(target);
}

const setInputSchema = z.object({ changeSetId: z.guid("must be a change set id") });

/** Starts applying the set; the page follows its progress (the APIs run after the response). */
export async function applyChangeSetAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "change_set.apply.start");
    const { run } = await startChangeSetApply(ctx, parseInput(setInputSchema, formFields(formData)));
    after(() => run());
    refresh();
    return { status: "done", result: "Applying: the APIs below show their progress." };
  } catch (error) {
    return actionError(error);
  }
}

export async function cancelChangeSetAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "change_set.cancel");
    await cancelChangeSet(ctx, parseInput(setInputSchema, formFields(formData)));
    refresh();
    return { status: "done", result: "Cancelled: no further API starts; the ones running finish." };
  } catch (error) {
    return actionError(error);
  }
}

/** Approves the set as shown: the form carries the hash the admin reviewed. */
export async function approveChangeSetAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "approval.approve");
    const set = await approveChangeSet(ctx, formFields(formData));
    refresh();
    return {
      status: "done",
      result:
        set.approval.status === "approved"
          ? "Approved. The change set has the approvals it needs and can be applied."
          : `Approved. ${set.approval.approvedBy} of ${set.approval.required} approvals.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

export async function rejectChangeSetAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "approval.reject");
    await rejectChangeSet(ctx, formFields(formData));
    refresh();
    return { status: "done", result: "Rejected: this change set cannot be applied." };
  } catch (error) {
    return actionError(error);
  }
}
