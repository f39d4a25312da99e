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
