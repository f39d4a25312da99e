import { z } from "zod";
import { environmentSchema } from "../instances/schemas";
import { variableValuesSchema } from "../policy/profile-variables";
import { planSchema } from "../deployments/schemas";
import { profileVersionSchema } from "../profiles/schemas";
import { createChangeSetInputSchema } from "../change-sets/schemas";

export const environmentParamsSchema = z.object({ name: environmentSchema });

/** Every variable of an environment, name → value, as PUT replaces them. */
export const environmentVariablesInputSchema = z
  .strictObject({
    variables: variableValuesSchema.describe(
      "Variable name → value. Values are names and identifiers (tenant, client application ids, audiences, URLs, named value names, Key Vault secret identifiers), never secrets: a value that looks like a key is refused.",
    ),
  })
  .meta({ id: "EnvironmentVariablesInput" });

export const environmentVariablesSchema = z
  .object({
    environment: z.string(),
    variables: z.record(z.string(), z.string()).describe("Variable name → value, sorted by name."),
    instances: z.array(z.string()).describe("Names of the instances in this environment."),
    updatedAt: z.string().nullable().describe("When a variable was last changed; null: never set."),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "EnvironmentVariables" });

export type EnvironmentVariablesView = z.output<typeof environmentVariablesSchema>;

export const promotionInputSchema = z
  .strictObject({
    targetInstanceId: z.guid("must be an instance id").describe("The instance to promote the profile to."),
    targetApiId: z
      .guid("must be an API id")
      .optional()
      .describe("The API on the target instance; default: the one with the same ARM name."),
  })
  .meta({ id: "PromotionInput" });

export const promotionSchema = z
  .object({
    source: z.object({ apiId: z.string(), instance: z.string(), version: z.number().int() }),
    profile: profileVersionSchema.describe("The version saved on the target API, variables resolved."),
    plan: planSchema.describe("The target API's plan for it; approvals apply as for any plan."),
  })
  .meta({ id: "Promotion" });

export type PromotionView = z.output<typeof promotionSchema>;

export const promotionsInputSchema = z
  .strictObject({
    title: createChangeSetInputSchema.shape.title,
    apiIds: createChangeSetInputSchema.shape.apiIds.describe(
      "The APIs whose current profiles are promoted, all of one instance.",
    ),
    targetInstanceId: z.guid("must be an instance id").describe("The instance to promote the profiles to."),
    targetApiIds: z
      .record(z.guid("must be an API id"), z.guid("must be an API id"))
      .optional()
      .describe(
        "Source API id → the API on the target instance, for those not promoted to the one with the same ARM name.",
      ),
  })
  .meta({ id: "PromotionsInput" });
