import { z } from "zod";
import { allowLineBreaks } from "@/lib/validation";

/**
 * A form's text fields as an object for zod, without the empty ones: an empty input means
 * "not given", so optional fields and their defaults behave as they do in the REST API.
 * Next.js's own fields (`$ACTION_…`) are left out.
 */
export function formFields(formData: FormData): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of formData) {
    if (typeof value === "string" && value !== "" && !name.startsWith("$ACTION")) fields[name] = value;
  }
  return fields;
}

/** A field holding JSON text (e.g. the profile editor's): its layout may span lines; the use cases check the strings inside. */
export const jsonText = allowLineBreaks(z.string()).transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "must be JSON" });
    return z.NEVER;
  }
});
