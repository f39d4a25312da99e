import { z } from "zod";
import { changeSetSchema, MAX_CHANGE_SET_APIS } from "../change-sets/schemas";
import { writtenProfileSchema } from "../policy/profile-schema";
import { profileVersionSchema } from "../profiles/schemas";
import { allowLineBreaks } from "../validation";

export const templateIdSchema = z.guid("must be a template id");

export const templateNameSchema = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9 ._-]*$/,
    "must start with a letter or digit and hold only letters, digits, spaces, '.', '_', '-'",
  )
  .describe("Unique; cannot be changed (files and change sets name it).");

const descriptionSchema = allowLineBreaks(z.string())
  .trim()
  .max(2000, "must be at most 2000 characters")
  .describe("What the template is for, shown to admins choosing it.");

const templateProfileSchema = writtenProfileSchema.describe(
  "A full access profile, checked as any profile is; ${name} variables take the values of each follower's environment.",
);

export const createTemplateInputSchema = z
  .strictObject({
    name: templateNameSchema,
    description: descriptionSchema.default(""),
    profile: templateProfileSchema.describe("Version 1 of the template."),
  })
  .meta({ id: "CreateProfileTemplateInput" });

export const updateTemplateInputSchema = z
  .strictObject({ description: descriptionSchema })
  .meta({ id: "UpdateProfileTemplateInput" });

export const publishTemplateVersionInputSchema = z
  .strictObject({ profile: templateProfileSchema })
  .meta({ id: "PublishProfileTemplateVersionInput" });

/**
 * The most APIs one application of a template lists: an estate of 5,000 APIs (bench/README.md,
 * "Estate size") in one request, ten change sets; their ids are ~190 KB of the 1 MiB a body may be.
 */
export const MAX_TEMPLATE_APPLICATION_APIS = 5_000;

export const applyTemplateInputSchema = z
  .strictObject({
    apiIds: z
      .array(z.guid("must be an API id"))
      .min(1, "must list at least one API")
      .max(MAX_TEMPLATE_APPLICATION_APIS, `must list at most ${MAX_TEMPLATE_APPLICATION_APIS} APIs`)
      .refine((ids) => new Set(ids).size === ids.length, "must not repeat an API")
      .describe(
        `The APIs that follow the template from now on: one change set per ${MAX_CHANGE_SET_APIS} of them, in this order.`,
      ),
  })
  .meta({ id: "ApplyProfileTemplateInput" });

export const followTemplateInputSchema = z
  .strictObject({ templateId: templateIdSchema.describe("The template the API follows from now on.") })
  .meta({ id: "FollowProfileTemplateInput" });

export const templateVersionSchema = z
  .object({
    version: z.number().int(),
    profile: writtenProfileSchema,
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: "ProfileTemplateVersion" });

export const templateSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    latestVersion: z.number().int(),
    followers: z.number().int().describe("How many APIs follow it."),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: "ProfileTemplateSummary" });

export const templateFollowerSchema = z
  .object({
    apiId: z.string(),
    apiName: z.string(),
    apimName: z.string(),
    instanceName: z.string(),
    templateVersion: z
      .number()
      .int()
      .nullable()
      .describe(
        "The template version the API's current profile was saved from; null: edited by hand since (the next version replaces it).",
      ),
  })
  .meta({ id: "ProfileTemplateFollower" });

export const templateSchema = templateSummarySchema
  .extend({
    versions: z.array(templateVersionSchema).describe("Every version, newest first; a version never changes."),
    followerApis: z.array(templateFollowerSchema).describe("The APIs that follow it, by instance and name."),
  })
  .meta({ id: "ProfileTemplate" });

export const publishedTemplateVersionSchema = z
  .object({
    version: templateVersionSchema,
    changeSets: z
      .array(changeSetSchema)
      .describe(
        `The change sets giving every follower this version, each of at most ${MAX_CHANGE_SET_APIS} APIs in the followers' order (owned by the publisher; each reviewed, approved and applied as any); empty when no API follows the template.`,
      ),
  })
  .meta({ id: "PublishedProfileTemplateVersion" });

export type TemplateSummaryView = z.output<typeof templateSummarySchema>;
export type TemplateView = z.output<typeof templateSchema>;
export type TemplateVersionView = z.output<typeof templateVersionSchema>;
export type PublishedTemplateVersionView = z.output<typeof publishedTemplateVersionSchema>;

export const templateApplicationSchema = z
  .object({
    changeSets: z
      .array(changeSetSchema)
      .min(1)
      .describe(
        `The change sets giving the APIs the template's current version, each of at most ${MAX_CHANGE_SET_APIS} APIs in the order listed (owned by you; each reviewed, approved and applied as any). Each set's APIs follow the template from the moment it is stored.`,
      ),
  })
  .meta({ id: "ProfileTemplateApplication" });

export type TemplateApplicationView = z.output<typeof templateApplicationSchema>;

export const templateFollowingSchema = z
  .object({
    apiId: z.string(),
    template: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .describe("The template the API follows now; null: none."),
    profile: profileVersionSchema
      .nullable()
      .describe("The profile version saved from the template's current version; null when nothing was saved."),
  })
  .meta({ id: "ProfileTemplateFollowing" });

export type TemplateFollowingView = z.output<typeof templateFollowingSchema>;
