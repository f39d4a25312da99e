import { z } from "zod";
import type { FieldIssue } from "./errors";

/**
 * Characters no text input may hold, checked for every input in one place (parseInput and
 * validateInput in validation.ts) whatever its schema says, so a new field cannot forget:
 * - C0 controls except tab, line feed and carriage return, DEL and the C1 controls — NUL makes
 *   PostgreSQL refuse the whole statement, the others are invisible in every place that shows them;
 * - unpaired surrogates: not Unicode text at all (PostgreSQL and UTF-8 cannot carry them);
 * - the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
 *   make text read differently from what it is ("Trojan Source", CVE-2021-42574).
 * Tab and line breaks are refused too, except in fields whose schema allows them
 * (`allowLineBreaks`): a name, an id or a filter is one line.
 */
const REFUSED =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const LINE_BREAKS = /[\t\n\r]/;

const REFUSED_MESSAGE =
  "must not contain control characters, unpaired surrogates or bidirectional controls (U+202A–U+202E, U+2066–U+2069)";
const LINE_BREAK_MESSAGE = "must not contain tabs or line breaks";

/** True when text holds a character that no input may hold (line breaks aside). */
export function hasRefusedCharacters(text: string): boolean {
  return REFUSED.test(text);
}

const lineBreakFields = z.registry<{ lineBreaks: true }>();

/** Marks a text schema whose values may span lines (tab, LF, CR); everything else stays refused. */
export function allowLineBreaks<S extends z.ZodType>(schema: S): S {
  lineBreakFields.add(schema, { lineBreaks: true });
  return schema;
}

/**
 * The problems of every string (and object key) in `value`, by path. The schema is consulted
 * only for which fields allow line breaks; it does not have to accept the value.
 */
export function unsafeTextIssues(schema: z.ZodType, value: unknown): Array<{ path: PropertyKey[]; message: string }> {
  const issues: Array<{ path: PropertyKey[]; message: string }> = [];
  const visit = (node: unknown, path: PropertyKey[]) => {
    if (typeof node === "string") {
      if (REFUSED.test(node)) issues.push({ path, message: REFUSED_MESSAGE });
      else if (LINE_BREAKS.test(node) && !allowsLineBreaks(schema, path))
        issues.push({ path, message: LINE_BREAK_MESSAGE });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index]));
    } else if (typeof node === "object" && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        if (REFUSED.test(key) || LINE_BREAKS.test(key))
          issues.push({ path, message: `has a key that ${REFUSED_MESSAGE}` });
        else visit(item, [...path, key]);
      }
    }
  };
  visit(value, []);
  return issues;
}

/** Field issues with only the text problems for paths that have one, then the schema's own. */
export function withTextIssuesFirst(text: FieldIssue[], schema: FieldIssue[]): FieldIssue[] {
  const paths = new Set(text.map((issue) => issue.path));
  return [...text, ...schema.filter((issue) => !paths.has(issue.path))];
}

type Def = { type: string } & Record<string, unknown>;
const defOf = (schema: z.ZodType): Def => schema._zod.def as unknown as Def;

/** Whether the schema reached through `path` (through wrappers and every union option) allows line breaks. */
function allowsLineBreaks(schema: z.ZodType, path: PropertyKey[]): boolean {
  let nodes = expand(schema);
  for (const key of path) nodes = nodes.flatMap((node) => childrenAt(node, key)).flatMap((child) => expand(child));
  return nodes.some((node) => lineBreakFields.get(node)?.lineBreaks === true);
}

/** The schema and what it wraps: optional, default, pipe, lazy, union options and the like. */
function expand(schema: z.ZodType, depth = 0): z.ZodType[] {
  if (depth > 20) return [schema];
  const def = defOf(schema);
  const inner: unknown[] = [];
  if (def.innerType) inner.push(def.innerType);
  if (def.type === "pipe") inner.push(def.in, def.out);
  if (def.type === "lazy") inner.push((def.getter as () => unknown)());
  if (def.type === "union") inner.push(...(def.options as unknown[]));
  if (def.type === "intersection") inner.push(def.left, def.right);
  return [schema, ...inner.flatMap((child) => expand(child as z.ZodType, depth + 1))];
}

function childrenAt(schema: z.ZodType, key: PropertyKey): z.ZodType[] {
  const def = defOf(schema);
  const children: unknown[] = [];
  if (def.type === "object") children.push((def.shape as Record<PropertyKey, unknown>)[key] ?? def.catchall);
  if (def.type === "record") children.push(def.valueType);
  if (def.type === "array") children.push(def.element);
  if (def.type === "tuple") children.push((def.items as unknown[])[key as number] ?? def.rest);
  return children.filter((child): child is z.ZodType => child !== undefined && child !== null);
}
