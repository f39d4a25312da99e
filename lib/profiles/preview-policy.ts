import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { resolveWrittenProfile } from "../environments/resolve-written-profile";
import { renderPolicy } from "../policy";
import { accessProfileSchema, writtenProfileSchema } from "../policy/profile-schema";
import { validateInput } from "../validation";

/** What the editor's live preview shows: the rendered policy, or how many fields are not valid yet. */
export type PolicyPreview = { status: "rendered"; xml: string } | { status: "incomplete"; problems: number };

/**
 * The policy a profile being edited renders to, for the editor's live preview: the managed
 * block alone in APIM's default document (a plan shows it merged into the live policy).
 * Rendered here rather than in the browser, so the console does not ship the profile schema
 * and the renderer to every editor. Nothing is read or stored; the field errors themselves
 * come from saving, which validates exactly as this does (schema and refused characters).
 *
 * With `apiId`, the profile is the one the editor keeps as written: its `${name}` variables are
 * resolved with the values of the API's instance's environment, as saving does, and a variable
 * the environment does not set is refused by name.
 */
export async function previewPolicy(
  ctx: RequestContext,
  input: { apiId?: string; profile: unknown },
): Promise<PolicyPreview> {
  await authorize(ctx, "config.write", "profile.preview");
  const validation = validateInput(
    input.apiId === undefined ? accessProfileSchema : writtenProfileSchema,
    input.profile,
  );
  if (!validation.success) return { status: "incomplete", problems: validation.fields.length };
  if (input.apiId === undefined) return { status: "rendered", xml: renderPolicy(validation.data) };
  const db = getDb();
  const api = await findApiOrThrow(db, input.apiId);
  const { profile } = await resolveWrittenProfile(db, api.instance, validation.data);
  return { status: "rendered", xml: renderPolicy(profile) };
}
