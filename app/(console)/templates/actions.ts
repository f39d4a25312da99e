"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { previewPolicy, type PolicyPreview } from "@/lib/profiles/preview-policy";
import { createTemplate } from "@/lib/templates/create-template";
import { deleteTemplate } from "@/lib/templates/delete-template";
import { followTemplate } from "@/lib/templates/follow-template";
import { publishTemplateVersion } from "@/lib/templates/publish-template-version";
import { unfollowTemplate } from "@/lib/templates/unfollow-template";
import { parseInput } from "@/lib/validation";
import { actionError } from "../action-error";
import { formFields, jsonText } from "../form-fields";

/**
 * The profile editor names its fields from the profile itself (`callerAuth.tenantId`): a template's
 * input nests the profile under `profile`, so its errors are given back without that prefix.
 */
async function editorError(error: unknown) {
  const state = await actionError(error);
  return { ...state, fields: state.fields.map((field) => ({ ...field, path: field.path.replace(/^profile\./, "") })) };
}

const createFormSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  profile: jsonText,
});

/** Creates the template with the editor's profile as version 1, then opens it. */
export async function createTemplateAction(_previous: FormState<null>, formData: FormData): Promise<FormState<null>> {
  let id: string;
  try {
    const ctx = await guardAction("config.write", "template.create");
    id = (await createTemplate(ctx, parseInput(createFormSchema, formFields(formData)))).id;
  } catch (error) {
    return editorError(error);
  }
  redirect(`/templates/${id}`);
}

const publishFormSchema = z.object({
  templateId: z.guid("must be a template id"),
  ifMatch: z.string().optional(),
  profile: jsonText,
});

/** Publishes the editor's profile as the next version; the template page then links its change sets. */
export async function publishTemplateVersionAction(
  _previous: FormState<null>,
  formData: FormData,
): Promise<FormState<null>> {
  let target: string;
  try {
    const ctx = await guardAction("config.write", "template.publish");
    const { templateId, ifMatch, profile } = parseInput(publishFormSchema, formFields(formData));
    const published = await publishTemplateVersion(ctx, { templateId, ifMatch, version: { profile } });
    const query = new URLSearchParams({ published: String(published.version.version) });
    for (const set of published.changeSets) query.append("changeSet", set.id);
    target = `/templates/${templateId}?${query}`;
  } catch (error) {
    return editorError(error);
  }
  redirect(target);
}

const templateFormSchema = z.object({ templateId: z.guid("must be a template id") });

/** Deletes the template (refused while APIs follow it), then shows the list. */
export async function deleteTemplateAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "template.delete");
    await deleteTemplate(ctx, parseInput(templateFormSchema, formFields(formData)));
  } catch (error) {
    return actionError(error);
  }
  redirect("/templates");
}

const followFormSchema = z.object({ apiId: z.guid("must be an API id"), templateId: z.string() });

/** The API follows the chosen template: its current version is saved as the API's profile. */
export async function followTemplateAction(_previous: FormState<null>, formData: FormData): Promise<FormState<null>> {
  let apiId: string;
  let saved: number | undefined;
  try {
    const ctx = await guardAction("config.write", "api.template.follow");
    const input = parseInput(followFormSchema, formFields(formData));
    apiId = input.apiId;
    saved = (await followTemplate(ctx, { apiId, follow: { templateId: input.templateId } })).profile?.version;
  } catch (error) {
    return actionError(error);
  }
  redirect(saved ? `/apis/${apiId}?saved=${saved}` : `/apis/${apiId}`);
}

const apiFormSchema = z.object({ apiId: z.guid("must be an API id") });

/** The API stops following its template; its profile stays as it is. */
export async function unfollowTemplateAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  let apiId: string;
  try {
    const ctx = await guardAction("config.write", "api.template.unfollow");
    apiId = (await unfollowTemplate(ctx, parseInput(apiFormSchema, formFields(formData)))).apiId;
  } catch (error) {
    return actionError(error);
  }
  redirect(`/apis/${apiId}`);
}

// A profile is a few hundred bytes; the limit only keeps a previewer from sending megabytes.
const previewFormSchema = z.object({ profile: z.string().max(65_536, "must be at most 64 KiB").pipe(jsonText) });

/**
 * The template editor's live preview: a template belongs to no environment, so a profile with
 * `${variables}` shows as not complete here (each follower resolves them with its own).
 */
export async function previewTemplatePolicyAction(
  profile: string,
): Promise<PolicyPreview | { status: "error"; message: string }> {
  try {
    const ctx = await guardAction("config.write", "profile.preview");
    return await previewPolicy(ctx, parseInput(previewFormSchema, { profile }));
  } catch (error) {
    return { status: "error", message: (await actionError(error)).message };
  }
}
