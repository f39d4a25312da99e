import { z } from "zod";

/** PolicyContract properties (01-arm-rest-reference.md §5), the same at every scope. */
export const policyBodySchema = z.object({
  properties: z
    .object({
      value: z.string("value is required: the policy document."),
      format: z
        .enum(["xml", "xml-link", "rawxml", "rawxml-link"], "format must be xml, xml-link, rawxml or rawxml-link.")
        .optional(),
    })
    .loose(),
});
