"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { saveAccessProfile } from "@/lib/profiles/save-access-profile";
import { allowLineBreaks, parseInput } from "@/lib/validation";
import { actionError } from "../../action-error";
import { formFields } from "../../form-fields";

const saveInputSchema = z.object({
  apiId: z.guid("must be an API id"),
  ifMatch: z.string().optional(),
  adopt: z.enum(["true", "false"]).optional(),
  // JSON text: its layout may span lines; saveAccessProfile checks the strings inside.
  profile: allowLineBreaks(z.string()).transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be JSON" });
      return z.NEVER;
    }
  }),
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
