/**
 * Variables in access profiles: a free-text value may be written as, or contain, `${name}`,
 * whose value each environment sets (a tenant, client application ids, audiences, a backend URL,
 * named value names). Resolution is pure and happens before anything is saved or rendered; the
 * resolved profile is then checked like any other, so a variable's value is held to the same
 * rules as a typed one and can never become a policy expression or a named value reference.
 *
 * Variables are never secrets: they hold identifiers and names (a named value's NAME, never its
 * value), so values that look like a key are refused (`variableValueIssue`).
 */
import { z } from "zod";
import { looksLikeKey } from "./key-like";

/** A variable name: a letter, then letters, digits and underscores (at most 64 characters). */
export const VARIABLE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const VARIABLE_NAME_RULE =
  "must start with a letter and contain only letters, digits and _ (at most 64 characters)";
const REFERENCE = /\$\{([^}]*)\}/g;

export function variableNameIssue(name: string): string | null {
  return VARIABLE_NAME.test(name) ? null : VARIABLE_NAME_RULE;
}

/** Whether a value refers to any variable (holds `${`). */
export function holdsVariables(value: string): boolean {
  return value.includes("${");
}

/** The variable names a value refers to, or the reason its references are malformed. */
export function variableReferences(value: string): { names: string[] } | { issue: string } {
  const names: string[] = [];
  for (const match of value.matchAll(REFERENCE)) {
    const name = match[1] ?? "";
    if (!VARIABLE_NAME.test(name))
      return { issue: `refers to variable "\${${name}}", whose name ${VARIABLE_NAME_RULE}` };
    names.push(name);
  }
  if (holdsVariables(value.replace(REFERENCE, ""))) return { issue: 'has a "${" without its closing "}"' };
  return { names };
}

/**
 * A free-text profile field that may hold variables: with them, only their syntax is checked
 * here (the value is checked once resolved); without, the field's own rules apply.
 */
export function orVariables(leaf: z.ZodType<string>): z.ZodString {
  const wrapped = z.string().superRefine((value, ctx) => {
    if (holdsVariables(value)) {
      const references = variableReferences(value);
      if ("issue" in references) ctx.addIssue({ code: "custom", message: references.issue });
      return;
    }
    const result = leaf.safeParse(value);
    if (!result.success)
      for (const issue of result.error.issues)
        ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
  });
  return leaf.description === undefined ? wrapped : wrapped.describe(leaf.description);
}

/** Why a variable's value cannot be stored, or null. */
export function variableValueIssue(value: string): string | null {
  if (value.length === 0) return "must not be empty";
  if (value.length > 2000) return "must be at most 2000 characters";
  if (holdsVariables(value)) return 'must not refer to another variable ("${")';
  if (looksLikeKey(value))
    return "looks like a key or secret: variables hold names and identifiers only (store the secret as a named value and refer to its name)";
  return null;
}

/** An environment's variables, name → value, each name and value checked (the issue's path is the name). */
export const variableValuesSchema = z.record(z.string(), z.string()).superRefine((variables, ctx) => {
  const names = Object.keys(variables);
  if (names.length > 500) ctx.addIssue({ code: "custom", message: "must set at most 500 variables" });
  for (const name of names) {
    const nameIssue = variableNameIssue(name);
    if (nameIssue) ctx.addIssue({ code: "custom", path: [name], message: `name ${nameIssue}` });
    const valueIssue = variableValueIssue(variables[name]!);
    if (valueIssue) ctx.addIssue({ code: "custom", path: [name], message: valueIssue });
  }
});

export interface MissingVariable {
  name: string;
  /** Field paths that refer to it, e.g. `callerAuth.tenantId`. */
  paths: string[];
}

export type VariableResolution =
  { ok: true; profile: unknown; used: string[] } | { ok: false; missing: MissingVariable[] };

/**
 * Replaces every `${name}` in the profile's strings with the variable's value. Every variable
 * the profile uses but `values` lacks is reported with the fields that refer to it; nothing is
 * resolved partially.
 */
export function resolveProfileVariables(
  written: unknown,
  values: Readonly<Record<string, string>>,
): VariableResolution {
  const missing = new Map<string, string[]>();
  const used = new Set<string>();
  const resolve = (value: unknown, path: string): unknown => {
    if (typeof value === "string") {
      return value.replace(REFERENCE, (reference, name: string) => {
        const resolved = Object.hasOwn(values, name) ? values[name] : undefined;
        if (resolved === undefined) missing.set(name, [...(missing.get(name) ?? []), path]);
        else used.add(name);
        return resolved ?? reference;
      });
    }
    if (Array.isArray(value)) return value.map((item, index) => resolve(item, `${path}[${index}]`));
    if (typeof value === "object" && value !== null)
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, resolve(item, path === "" ? key : `${path}.${key}`)]),
      );
    return value;
  };
  const profile = resolve(written, "");
  if (missing.size > 0)
    return {
      ok: false,
      missing: [...missing].map(([name, paths]) => ({ name, paths })).sort((a, b) => a.name.localeCompare(b.name)),
    };
  return { ok: true, profile, used: [...used].sort() };
}

/** The variable names a profile as written refers to, sorted. */
export function profileVariableNames(written: unknown): string[] {
  const resolution = resolveProfileVariables(written, {});
  return resolution.ok ? [] : resolution.missing.map((variable) => variable.name);
}
