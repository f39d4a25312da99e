import { z } from "zod";
import { displayNameSchema } from "../display-name-schema";

/**
 * OperationContract properties (2024-05-01 CreateApiOperation; limits from the SDK v10
 * mappers). Request, responses and other fields are kept as sent.
 */
const templateParameterSchema = z.object({ name: z.string("templateParameters[].name is required.") }).loose();

const propertiesSchema = z
  .object({
    displayName: displayNameSchema,
    method: z.string().min(1, "method may not be empty.").optional(),
    urlTemplate: z
      .string()
      .min(1, "urlTemplate may not be empty.")
      .max(1000, "urlTemplate must be at most 1000 characters long.")
      .optional(),
    templateParameters: z.array(templateParameterSchema).nullish(),
    description: z.string().max(1000, "description must be at most 1000 characters long.").nullish(),
  })
  .loose();

export const operationBodySchema = z.object({ properties: propertiesSchema });
export type OperationProperties = z.infer<typeof propertiesSchema>;
