import { z } from "zod";
import { defineOperation } from "../rest/operation";
import {
  applyTemplateInputSchema,
  createTemplateInputSchema,
  followTemplateInputSchema,
  publishedTemplateVersionSchema,
  publishTemplateVersionInputSchema,
  templateApplicationSchema,
  templateFollowingSchema,
  templateIdSchema,
  templateSchema,
  templateSummarySchema,
  updateTemplateInputSchema,
} from "./schemas";

const templateParams = z.object({ id: templateIdSchema });
const apiParams = z.object({ id: z.guid("must be an API id") });
const tags = ["profile templates"];

/** REST operations of profile templates (see lib/rest/operations.ts). */
export const templatesOperations = {
  listTemplates: defineOperation({
    id: "listTemplates",
    method: "GET",
    path: "/templates",
    permission: "config.read",
    summary: "Every profile template, by name",
    tags,
    response: z.array(templateSummarySchema),
  }),
  createTemplate: defineOperation({
    id: "createTemplate",
    method: "POST",
    path: "/templates",
    permission: "config.write",
    summary: "Create a profile template with its first version",
    description:
      "The profile is checked as any access profile, as written: ${name} variables take the values of each follower's environment when its profile is saved. 409 when the name is taken.",
    tags,
    body: createTemplateInputSchema,
    response: templateSummarySchema,
    successStatus: 201,
  }),
  getTemplate: defineOperation({
    id: "getTemplate",
    method: "GET",
    path: "/templates/{id}",
    permission: "config.read",
    summary: "A profile template with every version and the APIs that follow it",
    tags,
    params: templateParams,
    response: templateSchema,
    etag: true,
  }),
  updateTemplate: defineOperation({
    id: "updateTemplate",
    method: "PATCH",
    path: "/templates/{id}",
    permission: "config.write",
    summary: "Change a profile template's description",
    description: "The name and the versions never change: publish a new version to change the profile.",
    tags,
    params: templateParams,
    body: updateTemplateInputSchema,
    response: templateSummarySchema,
  }),
  deleteTemplate: defineOperation({
    id: "deleteTemplate",
    method: "DELETE",
    path: "/templates/{id}",
    permission: "config.write",
    summary: "Delete a profile template and its versions",
    description:
      "409 naming the followers while any API follows it. Profile versions saved from it keep saying which template version they came from.",
    tags,
    params: templateParams,
    response: templateSummarySchema,
  }),
  publishTemplateVersion: defineOperation({
    id: "publishTemplateVersion",
    method: "POST",
    path: "/templates/{id}/versions",
    permission: "config.write",
    summary: "Publish the next version of a profile template, and a change set for its followers",
    description:
      "Versions never change. When APIs follow the template, one change set (owned by you) saves this version as each one's profile and plans it; it is reviewed, approved and applied as any change set (POST /change-sets/{id}/apply). Send If-Match with the template's ETag (the version you started from): 412 when another version was published in between.",
    tags,
    params: templateParams,
    ifMatch: "optional",
    body: publishTemplateVersionInputSchema,
    response: publishedTemplateVersionSchema,
    successStatus: 201,
  }),
  applyTemplate: defineOperation({
    id: "applyTemplate",
    method: "POST",
    path: "/templates/{id}/applications",
    permission: "config.write",
    summary:
      "Apply a profile template to selected APIs: they follow it, and change sets (one per 500 APIs) give them its current version",
    tags,
    params: templateParams,
    body: applyTemplateInputSchema,
    response: templateApplicationSchema,
    successStatus: 201,
  }),
  followTemplate: defineOperation({
    id: "followTemplate",
    method: "PUT",
    path: "/apis/{id}/template",
    permission: "config.write",
    summary: "Make the API follow a profile template",
    description:
      "Saves the template's current version as the API's profile (a new profile version recording the template version; ${name} variables resolved with the API's environment, 409 variables-missing otherwise) and makes the template's next versions plan changes for it. Nothing changes in APIM until the API is planned and applied. If-Match (the API's profile ETag) is checked when sent.",
    tags,
    params: apiParams,
    ifMatch: "optional",
    body: followTemplateInputSchema,
    response: templateFollowingSchema,
  }),
  unfollowTemplate: defineOperation({
    id: "unfollowTemplate",
    method: "DELETE",
    path: "/apis/{id}/template",
    permission: "config.write",
    summary: "The API stops following its profile template",
    description: "Its profile stays as it is; the template's next versions leave it alone.",
    tags,
    params: apiParams,
    response: templateFollowingSchema,
  }),
};
