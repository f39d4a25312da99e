import { z } from "zod";

/**
 * BackendContract properties (01-arm-rest-reference.md §3, limits from the SDK v10 mappers).
 * Fields the simulator does not interpret (tls, proxy details, circuitBreaker, pool, …) are
 * kept as sent. `credentials.managedIdentity` is validated here but only honoured on a
 * preview api-version (see backend-handlers.ts). Messages are ours.
 */
const credentialsSchema = z
  .object({
    header: z.record(z.string(), z.array(z.string())).nullish(),
    query: z.record(z.string(), z.array(z.string())).nullish(),
    authorization: z
      .object({
        scheme: z.string().min(1, "scheme is required.").max(100, "scheme must be at most 100 characters long."),
        parameter: z
          .string()
          .min(1, "parameter is required.")
          .max(300, "parameter must be at most 300 characters long."),
      })
      .nullish(),
    certificateIds: z.array(z.string()).max(32, "At most 32 certificate ids are allowed.").nullish(),
    certificate: z.array(z.string()).max(32, "At most 32 certificate thumbprints are allowed.").nullish(),
    managedIdentity: z
      .object({
        resource: z
          .string()
          .min(1, "resource is required.")
          .max(2000, "resource must be at most 2000 characters long."),
        clientId: z.string().min(1).optional(),
      })
      .strict()
      .nullish(),
  })
  .loose();

const propertiesSchema = z
  .object({
    url: z.string().min(1, "url may not be empty.").max(2000, "url must be at most 2000 characters long.").optional(),
    protocol: z.enum(["http", "soap"], "protocol must be 'http' or 'soap'.").optional(),
    title: z.string().min(1).max(300, "title must be at most 300 characters long.").nullish(),
    description: z.string().min(1).max(2000, "description must be at most 2000 characters long.").nullish(),
    resourceId: z.string().min(1).max(2000, "resourceId must be at most 2000 characters long.").nullish(),
    credentials: credentialsSchema.nullish(),
    proxy: z
      .object({ url: z.string().min(1, "proxy url is required.").max(2000) })
      .loose()
      .nullish(),
  })
  .loose();

export const backendBodySchema = z.object({ properties: propertiesSchema });
export type BackendProperties = z.infer<typeof propertiesSchema>;
export type BackendManagedIdentity = NonNullable<NonNullable<BackendProperties["credentials"]>["managedIdentity"]>;
