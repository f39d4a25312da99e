import { z } from "zod";
import {
  audienceSchema,
  backendAuthSchema,
  clientApplicationIdSchema,
  requiredClaimSchema,
  tenantIdSchema,
} from "../policy/profile-schema";

/**
 * The one change a change set makes to each API's current access profile. Values are checked
 * here with the profile's own rules, so a bad value is refused once, naming the field, rather
 * than blocking every API of the set.
 */
export const profileChangeSchema = z
  .discriminatedUnion("op", [
    z.strictObject({ op: z.literal("addClientApplication"), clientApplicationId: clientApplicationIdSchema }),
    z.strictObject({ op: z.literal("removeClientApplication"), clientApplicationId: clientApplicationIdSchema }),
    z.strictObject({ op: z.literal("setTenant"), tenantId: tenantIdSchema }),
    z.strictObject({ op: z.literal("addAudience"), audience: audienceSchema }),
    z.strictObject({ op: z.literal("removeAudience"), audience: audienceSchema }),
    z.strictObject({
      op: z.literal("addRequiredClaim"),
      claim: requiredClaimSchema.describe("Replaces a required claim of the same name."),
    }),
    z.strictObject({
      op: z.literal("removeRequiredClaim"),
      name: z.string().min(1, "must not be empty").max(256, "must be at most 256 characters"),
    }),
    z.strictObject({ op: z.literal("setBackendAuth"), backendAuth: backendAuthSchema }),
  ])
  .describe("One edit applied to each selected API's current access profile.")
  .meta({ id: "ProfileChange" });

export type ProfileChange = z.output<typeof profileChangeSchema>;

/** What a set made: one edit of every API's profile, or each API's own profile (`portcullis plan`'s files). */
export const changeSetChangeSchema = z
  .discriminatedUnion("op", [
    profileChangeSchema,
    z
      .strictObject({ op: z.literal("setProfiles") })
      .describe("Each API got the profile given for it (POST /change-sets with profiles, e.g. `portcullis plan`)."),
    z
      .strictObject({
        op: z.literal("applyTemplate"),
        templateId: z.string(),
        template: z.string().describe("The template's name."),
        version: z.number().int(),
      })
      .describe("Each API got this profile template version and follows the template (lib/templates)."),
  ])
  .meta({ id: "ChangeSetChange" });

export type ChangeSetChange = z.output<typeof changeSetChangeSchema>;

/** One line saying what the change does, e.g. for the change set's title. */
export function describeChange(change: ProfileChange): string {
  switch (change.op) {
    case "addClientApplication":
      return `Add client application ${change.clientApplicationId}`;
    case "removeClientApplication":
      return `Remove client application ${change.clientApplicationId}`;
    case "setTenant":
      return `Set the tenant to ${change.tenantId}`;
    case "addAudience":
      return `Add audience ${change.audience}`;
    case "removeAudience":
      return `Remove audience ${change.audience}`;
    case "addRequiredClaim":
      return `Require claim ${change.claim.name} (${change.claim.match} of ${change.claim.values.join(", ")})`;
    case "removeRequiredClaim":
      return `Stop requiring claim ${change.name}`;
    case "setBackendAuth":
      return `Switch backend authentication to ${change.backendAuth.mode}${"delivery" in change.backendAuth ? ` (${change.backendAuth.delivery})` : ""}`;
  }
}
