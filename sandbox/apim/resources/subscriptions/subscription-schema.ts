import { z } from "zod";

const states = ["suspended", "active", "expired", "submitted", "rejected", "cancelled"] as const;
const key = z.string().min(1, "keys must not be empty.").max(256, "keys must be at most 256 characters long.");

/**
 * SubscriptionCreateParameters / SubscriptionUpdateParameters properties (2024-05-01; limits
 * from the spec). `scope` is a service-relative path (`/apis`, `/apis/{apiId}`,
 * `/products/{productId}`) or the same below the service's ARM id.
 */
const propertiesSchema = z
  .object({
    scope: z.string().min(1, "scope must not be empty."),
    displayName: z
      .string()
      .min(1, "displayName must not be empty.")
      .max(100, "displayName must be at most 100 characters long."),
    ownerId: z.string().nullish(),
    primaryKey: key.nullish(),
    secondaryKey: key.nullish(),
    state: z.enum(states, `state must be one of ${states.join(", ")}.`).nullish(),
    allowTracing: z.boolean().nullish(),
    stateComment: z.string().nullish(),
    expirationDate: z.string().nullish(),
  })
  .strict();

export const subscriptionCreateSchema = z.object({ properties: propertiesSchema });
export const subscriptionUpdateSchema = z.object({ properties: propertiesSchema.partial() });
export type SubscriptionProperties = z.infer<typeof propertiesSchema>;
