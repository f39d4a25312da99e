import { z } from "zod";
import { displayNameSchema } from "../display-name-schema";

/**
 * ProductContract properties (limits from the 2024-05-01 spec / SDK v10 mappers). Other
 * fields are kept as sent.
 */
const propertiesSchema = z
  .object({
    displayName: displayNameSchema,
    description: z.string().max(1000, "description must be at most 1000 characters long.").nullish(),
    terms: z.string().nullish(),
    subscriptionRequired: z.boolean().nullish(),
    approvalRequired: z.boolean().nullish(),
    subscriptionsLimit: z.number().int().nullish(),
    state: z.enum(["notPublished", "published"], "state must be notPublished or published.").nullish(),
  })
  .loose();

export const productBodySchema = z.object({ properties: propertiesSchema });
export type ProductProperties = z.infer<typeof propertiesSchema>;
