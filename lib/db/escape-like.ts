/**
 * LIKE's wildcards taken literally (backslash is its default escape character, on PostgreSQL and
 * PGlite alike). Prisma's `contains` does not escape them: a search for `%` or `_` would match
 * everything.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
