"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { checkAccess } from "@/lib/access/check-access";
import { accessCheckInputSchema, type AccessCheckView } from "@/lib/access/schemas";
import { guardAction } from "@/lib/auth/console-guard";
import { previewPolicy, type PolicyPreview } from "@/lib/profiles/preview-policy";
import { saveAccessProfile } from "@/lib/profiles/save-access-profile";
import { promoteAccessProfile } from "@/lib/environments/promote-access-profile";
import { verifyApiAccess } from "@/lib/verification/verify-api-access";
import { allowLineBreaks, parseInput } from "@/lib/validation";
import { actionError } from "../../action-error";
import { formFields, jsonText } from "../../form-fields";

const saveInputSchema = z.object({
  apiId: z.guid("must be an API id"),
  ifMatch: z.string().optional(),
  adopt: z.enum(["true", "false"]).optional(),
  profile: jsonText,
});

// A profile is a few hundred bytes; the limit only keeps a previewer from sending megabytes.
const previewInputSchema = z.object({
  apiId: z.guid("must be an API id"),
  profile: z.string().max(65_536, "must be at most 64 KiB").pipe(jsonText),
});

/** Saves the editor's profile as a new version, with If-Match of the version that was edited (and whether it takes over the hand-written policy). */
export async function saveProfileAction(_previous: FormState<null>, formData: FormData): Promise<FormState<null>> {
  let saved: { apiId: string; version: number };
  try {
    const ctx = await guardAction("config.write", "profile.save");
    const input = parseInput(saveInputSchema, formFields(formData));
    saved = await saveAccessProfile(ctx, {
      apiId: input.apiId,
      profile: input.profile,
      ifMatch: input.ifMatch ?? null,
      adopt: input.adopt === "true",
    });
  } catch (error) {
    return actionError(error);
  }
  redirect(`/apis/${saved.apiId}?saved=${saved.version}`);
}

/**
 * The editor's live preview, called as the user types (debounced): what the profile in the form
 * renders to on this API, its `${variables}` resolved with the values of its instance's
 * environment. The page binds `apiId`. Nothing is saved. Failures come back as a message for the
 * preview to show.
 */
export async function previewPolicyAction(
  apiId: string,
  profile: string,
): Promise<PolicyPreview | { status: "error"; message: string }> {
  try {
    const ctx = await guardAction("config.write", "profile.preview");
    const input = parseInput(previewInputSchema, { apiId, profile });
    return await previewPolicy(ctx, input);
  } catch (error) {
    return { status: "error", message: (await actionError(error)).message };
  }
}

const verifyInputSchema = z.object({ apiId: z.guid("must be an API id") });

/**
 * "Verify access": probes the API through its gateway, then shows the page with the stored result.
 * The redirect names the new verification: a redirect to the page itself that only adds a hash is
 * a scroll for the client router, which then kept showing the verdict from before.
 */
export async function verifyApiAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  let apiId: string;
  let verificationId: string;
  try {
    const ctx = await guardAction("config.write", "verification.run");
    apiId = parseInput(verifyInputSchema, formFields(formData)).apiId;
    verificationId = (await verifyApiAccess(ctx, { apiId })).id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/apis/${apiId}?verified=${verificationId}#verification`);
}

// The form's text, before accessCheckInputSchema checks it as REST does: claims are JSON text, and a pasted token may end in a line break.
const checkFormSchema = z
  .object({
    apiId: z.guid("must be an API id"),
    token: allowLineBreaks(z.string())
      .transform((token) => token.trim())
      .optional(),
    claims: jsonText.optional(),
  })
  .loose();

/**
 * "Try a token": the what-if for a pasted token or claims object. The token is only passed to
 * the check: errors name the field and never repeat it, and the use case audits the decision only.
 */
export async function checkAccessAction(
  _previous: FormState<AccessCheckView>,
  formData: FormData,
): Promise<FormState<AccessCheckView>> {
  try {
    const ctx = await guardAction("config.read", "access.check");
    const { apiId, ...form } = parseInput(checkFormSchema, formFields(formData));
    const input = parseInput(accessCheckInputSchema, form);
    return { status: "done", result: await checkAccess(ctx, { apiId, ...input }) };
  } catch (error) {
    return actionError(error);
  }
}

const promoteInputSchema = z.object({ apiId: z.guid("must be an API id"), targetInstanceId: z.string() });

/** Promotes the API's profile to the same API on the chosen instance and opens the plan made there. */
export async function promoteAction(_previous: FormState<null>, formData: FormData): Promise<FormState<null>> {
  let planId: string;
  try {
    const ctx = await guardAction("config.write", "profile.promote");
    const input = parseInput(promoteInputSchema, formFields(formData));
    planId = (await promoteAccessProfile(ctx, input)).plan.id;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/plans/${planId}`);
}
