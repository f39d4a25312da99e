import { z } from "zod";
import { pageOf, pageQuerySchema } from "../rest/pagination";
import { accessProfileSchema, writtenProfileSchema } from "../policy/profile-schema";

/** The template version a profile version was saved from (lib/templates). */
export const templateOriginSchema = z
  .object({
    id: z.string().describe("The template's id (it may have been deleted since)."),
    name: z.string(),
    version: z.number().int(),
  })
  .meta({ id: "TemplateOrigin" });

export type TemplateOrigin = z.output<typeof templateOriginSchema>;

/**
 * A template an API follows, as profile files and POST /change-sets name it: by name, and the
 * version its profile is, a number or `latest` (the newest when the set is made). Following
 * itself always takes the template's next versions (their change sets); the version says which
 * one the profile is now.
 */
export const templateReferenceSchema = z
  .strictObject({
    name: z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters"),
    version: z.union([z.number().int().min(1), z.literal("latest")], {
      error: 'must be a version number (1, 2, …) or "latest"',
    }),
  })
  .meta({ id: "TemplateReference" });

export type TemplateReference = z.output<typeof templateReferenceSchema>;

export const profileVersionSchema = z
  .object({
    apiId: z.string(),
    version: z.number().int(),
    profile: accessProfileSchema,
    adoptsHandWritten: z
      .boolean()
      .describe(
        "Saved with adopt=true: plans remove the hand-written statements of the live policy this profile was read from, while the policy has no Portcullis block.",
      ),
    written: writtenProfileSchema
      .nullable()
      .describe(
        "The profile as saved, with its ${name} variables (profile holds them resolved with the instance's environment); null when it has none.",
      ),
    template: templateOriginSchema
      .nullable()
      .describe("The profile template version this version was saved from; null: written by hand."),
    etag: z.string().describe("Send back in If-Match to save the next version."),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: "AccessProfileVersion" });

export const currentProfileSchema = profileVersionSchema
  .extend({
    applied: z
      .boolean()
      .describe(
        "True when APIM has this version: a deployment of its plan succeeded, or a plan of it found nothing to write. False: saved, not applied (yet).",
      ),
  })
  .meta({ id: "CurrentAccessProfile" });

export const profileVersionPageSchema = pageOf(profileVersionSchema, "AccessProfileVersionPage");
export const profileVersionsQuerySchema = pageQuerySchema;

export const saveProfileQuerySchema = z.object({
  adopt: z
    .enum(["true", "false"], { error: "must be true or false" })
    .transform((value) => value === "true")
    .optional()
    .describe(
      "true: this version takes over the API's hand-written policy. While the live policy has no Portcullis block, plans remove the statements a profile is read from (the first unconditional caller validation, the backend authentication; see the policy engine's README) for each part this profile sets, and put the block in their place; the plan's policy diff shows each removed line. Default false: plans only add the block and leave every hand-written statement.",
    ),
});
