/** Helpers shared by the readers of caller and backend statements. */
import { childElements, textContent, type PolicyElement } from "../document/policy-document";
import type { ZodError, ZodType } from "zod";
import { formatProfileIssues } from "../profile-schema";

/**
 * Outcome of turning one statement into part of a profile. A failure says what failed: a
 * `setting` a profile does not describe (another header, signing keys, an output variable,
 * weakened checks), so replacing the statement would lose it; or only a `value` a profile cannot
 * hold (a named value as tenant, a malformed id), which the admin replaces in the profile.
 */
export type StatementReading<T> = { ok: true; value: T } | { ok: false; reason: string; failed: "setting" | "value" };

export function refused<T>(reason: string): StatementReading<T> {
  return { ok: false, reason, failed: "setting" };
}

/** Attributes of `element` outside `known`: anything else is configuration a profile cannot hold. */
export function unknownAttributes(element: PolicyElement, known: readonly string[]): string[] {
  return element.attributes.map((attribute) => attribute.name).filter((name) => !known.includes(name));
}

export function unknownChildren(element: PolicyElement, known: readonly string[]): string[] {
  return childElements(element)
    .map((child) => child.name)
    .filter((name) => !known.includes(name));
}

/** The trimmed texts of the children named `itemName` (APIM re-indents, profile values never have edge whitespace). */
export function childTexts(element: PolicyElement, itemName: string): string[] {
  return childElements(element)
    .filter((item) => item.name === itemName)
    .map((item) => textContent(item).trim());
}

/** The item texts of the first child named `listName`, or undefined when there is no such child. */
export function listItems(element: PolicyElement, listName: string, itemName: string): string[] | undefined {
  const list = childElements(element).find((child) => child.name === listName);
  return list === undefined ? undefined : childTexts(list, itemName);
}

function describeIssues(error: ZodError): string {
  return formatProfileIssues(error)
    .map((issue) => `${issue.path} ${issue.message}`)
    .join("; ");
}

/** The same schema that guards rendering decides whether what was read is a valid part of a profile. */
export function checkedAgainst<T>(schema: ZodType<T>, candidate: Record<string, unknown>): StatementReading<T> {
  const parsed = schema.safeParse(withoutUndefined(candidate));
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error), failed: "value" };
}

/**
 * Drops keys whose value is undefined (an attribute that was absent), so a profile read back is
 * equal to the one rendered even under strict comparison, where `{ a: undefined }` is not `{}`.
 */
export function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, withoutUndefined(item)]),
  );
}
