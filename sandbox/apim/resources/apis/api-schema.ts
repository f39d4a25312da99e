import { z } from "zod";
import { displayNameSchema } from "../display-name-schema";

/**
 * ApiCreateOrUpdateParameter / ApiUpdateContract properties (limits from the SDK v10
 * mappers, 04-limits-and-naming.md). Other fields are kept as sent. `format` + `value`
 * import a definition; the simulator stores neither (it has no operations to derive).
 */
const propertiesSchema = z
  .object({
    displayName: displayNameSchema,
    path: z.string().max(400, "path must be at most 400 characters long.").optional(),
    serviceUrl: z.string().min(1).max(2000, "serviceUrl must be at most 2000 characters long.").nullish(),
    description: z.string().nullish(),
    protocols: z
      .array(z.enum(["http", "https", "ws", "wss"], "protocols may hold only http, https, ws and wss."))
      .nullish(),
    subscriptionRequired: z.boolean().nullish(),
    apiRevision: z.string().min(1).max(100, "apiRevision must be at most 100 characters long.").nullish(),
    apiVersion: z.string().max(100, "apiVersion must be at most 100 characters long.").nullish(),
    format: z.string().nullish(),
    value: z.string().nullish(),
  })
  .loose();

export const apiBodySchema = z.object({ properties: propertiesSchema });
export type ApiProperties = z.infer<typeof propertiesSchema>;
