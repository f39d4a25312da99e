/**
 * Values as a statement holds them, and what they are worth for one analysis: a literal is
 * itself, `{{name}}` references are replaced from the non-secret named values that were given,
 * and an expression is never evaluated.
 */
import { findNamedValueReferences } from "../document/policy-references";
import {
  attributeValue,
  childElements,
  textContent,
  type PolicyElement,
  type PolicyText,
} from "../document/policy-document";
import type { NamedValueFact } from "./effective-input";
import type { PolicyValue } from "./effective-pipeline";

function valueOf(text: string, isExpression: boolean): PolicyValue {
  if (isExpression) return { text, kind: "expression" };
  return { text, kind: findNamedValueReferences(text).length > 0 ? "named-value" : "literal" };
}

export function attributeOf(element: PolicyElement, name: string): PolicyValue | null {
  const attribute = element.attributes.find((candidate) => candidate.name === name);
  return attribute === undefined ? null : valueOf(attribute.value, attribute.isExpression);
}

/** An attribute whose value the engine reads as it is (APIM allows no expression there). */
export function plainAttribute(element: PolicyElement, name: string): string | null {
  return attributeValue(element, name) ?? null;
}

/** The text of an element (trimmed: APIM re-indents what it stores). */
export function textOf(element: PolicyElement): PolicyValue {
  const expression = element.children.some((child): child is PolicyText => child.kind === "text" && child.isExpression);
  return valueOf(textContent(element).trim(), expression);
}

/** The texts of the `itemName` children of the first `listName` child; null without that list. */
export function listOf(element: PolicyElement, listName: string, itemName: string): PolicyValue[] | null {
  const list = childElements(element).find((child) => child.name === listName);
  return list === undefined ? null : itemsOf(list, itemName);
}

export function itemsOf(element: PolicyElement, itemName: string): PolicyValue[] {
  return childElements(element)
    .filter((child) => child.name === itemName)
    .map(textOf);
}

export type Resolved = { ok: true; value: string } | { ok: false; reason: string };

/** Non-secret named values by name, the only ones a reference may be resolved from. */
export function namedValueMap(namedValues: readonly NamedValueFact[] | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const namedValue of namedValues ?? []) {
    if (!namedValue.secret && namedValue.value !== undefined) map.set(namedValue.name, namedValue.value);
  }
  return map;
}

/** What a value is worth in this analysis, or why that cannot be known. */
export function resolve(value: PolicyValue, namedValues: ReadonlyMap<string, string>): Resolved {
  if (value.kind === "literal") return { ok: true, value: value.text };
  if (value.kind === "expression")
    return { ok: false, reason: `the policy expression ${shorten(value.text)} is not evaluated` };
  let missing: string | undefined;
  const text = value.text.replace(/\{\{([^{}]*)\}\}/g, (reference, name: string) => {
    const found = namedValues.get(name);
    if (found === undefined) missing ??= name;
    return found ?? reference;
  });
  return missing === undefined
    ? { ok: true, value: text }
    : { ok: false, reason: `named value {{${missing}}} is not among the given non-secret named values` };
}

export function shorten(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 60 ? `${flat.slice(0, 57)}…` : flat;
}
