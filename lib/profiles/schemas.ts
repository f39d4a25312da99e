import { z } from "zod";
import { pageOf, pageQuerySchema } from "../http/pagination";
import { accessProfileSchema } from "../policy/profile-schema";

export const profileVersionSchema = z
  .object({
    apiId: z.string(),
    version: z.number().int(),
    profile: accessProfileSchema,
    etag: z.string().describe("Send back in If-Match to save the next version."),
    createdAt: z.string(),
    createdBy: z.string(),
  })
  .meta({ id: "AccessProfileVersion" });

export const profileVersionPageSchema = pageOf(profileVersionSchema, "AccessProfileVersionPage");
export const profileVersionsQuerySchema = pageQuerySchema;
