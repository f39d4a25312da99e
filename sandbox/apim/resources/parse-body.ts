import type { z } from "zod";
import { validationError } from "../arm/apim-errors";
import { requestContentInvalid } from "../arm/front-door-errors";

/**
 * Parses an ARM request body `{ "properties": { … } }` with a zod schema. Schema failures
 * become APIM's ValidationError with one detail per problem, the field path (without the
 * `properties.` prefix) as target, as APIM names fields (e.g. `credentials`, `name`).
 */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw requestContentInvalid("the request body must be a JSON object");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw validationError(
    result.error.issues.map((issue) => ({
      code: "ValidationError",
      target:
        issue.path.filter((segment, index) => !(index === 0 && segment === "properties")).join(".") || "properties",
      message: issue.message,
    })),
  );
}
