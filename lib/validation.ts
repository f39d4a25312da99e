import { z } from "zod";
import { AppError, type FieldIssue } from "./errors";
import { unsafeTextIssues, withTextIssuesFirst } from "./unsafe-text";

export { allowLineBreaks } from "./unsafe-text";

const TYPE_WORDS: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  array: "a list",
  object: "an object",
  date: "a date",
};

/**
 * zod's own messages in the words every other message uses ("is required", "must be a list"); its
 * defaults read "Invalid input: expected array, received undefined". A schema's own message still
 * wins. Set here, where every entry point's input is checked, for every schema in the process.
 */
z.config({
  customError: (issue) => {
    if (issue.code === "invalid_type")
      return issue.input === undefined ? "is required" : `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    if (issue.code === "invalid_value")
      return `must be ${issue.values.length > 1 ? "one of " : ""}${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    return undefined;
  },
});

/**
 * zod issues as field problems a person can act on: the JSON path as written
 * (`callerAuth.clientApplicationIds[1]`) and the reason. Pure; the policy engine's CLI uses it too.
 */
export function formatZodIssues(error: z.ZodError, prefix = "", rootLabel = "(input)"): FieldIssue[] {
  const at = (path: readonly PropertyKey[]) => formatPath([...(prefix ? [prefix] : []), ...path], rootLabel);
  return error.issues.flatMap((issue) =>
    // A field the input may not have is named by its own path, not its object's.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: "is not a field of this input" }))
      : [{ path: at(issue.path), message: issue.message }],
  );
}

export function formatPath(path: readonly PropertyKey[], rootLabel = "(input)"): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? rootLabel : text;
}

/**
 * Validates entry-point input: the schema, and (unsafe-text.ts) the characters no text input may
 * hold, whatever the schema. Every REST operation, server action and page filter comes through
 * here or parseInput.
 */
export function validateInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix = "",
): { success: true; data: z.output<S> } | { success: false; fields: FieldIssue[] } {
  // Checked first, without recursion: the checks below recurse, and a small body nested thousands
  // of levels deep would overflow the stack (a 500) instead of being refused.
  if (nestedDeeperThan(value, MAX_NESTING))
    return {
      success: false,
      fields: [{ path: formatPath(prefix ? [prefix] : []), message: `is nested more than ${MAX_NESTING} levels deep` }],
    };
  const text = unsafeTextIssues(schema, value).map((issue) => ({
    path: formatPath([...(prefix ? [prefix] : []), ...issue.path]),
    message: issue.message,
  }));
  const result = schema.safeParse(value);
  if (result.success && text.length === 0) return { success: true, data: result.data };
  return {
    success: false,
    fields: withTextIssuesFirst(text, result.success ? [] : formatZodIssues(result.error, prefix)),
  };
}

/** Deeper than any input Portcullis takes (a profile is about five levels). */
export const MAX_NESTING = 32;

/** Whether arrays and objects in `value` nest more than `max` levels deep; iterative. */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (pending.length > 0) {
    const { node, depth } = pending.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node))
      pending.push({ node: child, depth: depth + 1 });
  }
  return false;
}

/** Parses entry-point input; throws AppError("bad_request") naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what = "input", prefix = ""): z.output<S> {
  const result = validateInput(schema, value, prefix);
  if (result.success) return result.data;
  const { fields } = result;
  const summary = fields
    .slice(0, 3)
    .map((f) => `${f.path} ${f.message}`)
    .join("; ");
  throw new AppError(
    "bad_request",
    `The ${what} is not valid: ${summary}${fields.length > 3 ? ` (and ${fields.length - 3} more)` : ""}.`,
    { fields },
  );
}
