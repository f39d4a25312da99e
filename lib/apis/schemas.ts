import { z } from "zod";
import { pageOf, pageQuerySchema } from "../rest/pagination";

export const apiSchema = z
  .object({
    id: z.string(),
    instanceId: z.string(),
    instanceName: z.string(),
    apimName: z.string().describe("The API's ARM name in APIM."),
    displayName: z.string(),
    path: z.string(),
    serviceUrl: z.string().nullable(),
    gone: z.boolean().describe("True when the last sync no longer found the API in APIM."),
    profileVersion: z.number().int().nullable().describe("Current access profile version; null when none was saved."),
    template: z
      .object({ id: z.string(), name: z.string() })
      .nullable()
      .describe("The profile template the API follows (its new versions make change sets for it); null: none."),
    lastDeployment: z
      .object({ id: z.string(), status: z.string(), startedAt: z.string(), finishedAt: z.string().nullable() })
      .nullable(),
  })
  .meta({ id: "Api" });

export type ApiView = z.output<typeof apiSchema>;

export const apiListQuerySchema = pageQuerySchema.extend({
  instanceId: z.guid("must be an instance id").optional().describe("Only APIs of this instance."),
  search: z.string().trim().max(200).optional().describe("Part of the display name, ARM name or path."),
});

export const apiPageSchema = pageOf(apiSchema, "ApiPage");
