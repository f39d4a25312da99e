import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { renderPolicy } from "../policy";
import { accessProfileSchema } from "../policy/profile-schema";
import { validateInput } from "../validation";

/** What the editor's live preview shows: the rendered policy, or how many fields are not valid yet. */
export type PolicyPreview = { status: "rendered"; xml: string } | { status: "incomplete"; problems: number };

/**
 * The policy a profile being edited renders to, for the editor's live preview: the managed
 * block alone in APIM's default document (a plan shows it merged into the live policy).
 * Rendered here rather than in the browser, so the console does not ship the profile schema
 * and the renderer to every editor. Nothing is read or stored; the field errors themselves
 * come from saving, which validates exactly as this does (schema and refused characters).
 */
export async function previewPolicy(ctx: RequestContext, input: { profile: unknown }): Promise<PolicyPreview> {
  await authorize(ctx, "config.write", "profile.preview");
  const validation = validateInput(accessProfileSchema, input.profile);
  return validation.success
    ? { status: "rendered", xml: renderPolicy(validation.data) }
    : { status: "incomplete", problems: validation.fields.length };
}
