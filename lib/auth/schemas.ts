import { z } from "zod";
import { PERMISSIONS } from "./permissions";

export const meSchema = z
  .object({
    type: z.enum(["user", "app"]).describe("user: a person; app: a service principal (client credentials)."),
    oid: z.string().describe("Entra object id."),
    tid: z.string().describe("Entra tenant id."),
    name: z.string(),
    roles: z
      .array(z.enum(["admin", "reviewer", "reader"]))
      .describe("Portcullis roles granted by the token's app roles."),
    permissions: z.array(z.enum(PERMISSIONS)),
  })
  .meta({ id: "Me" });
