import type { z } from "zod";
import type { FieldIssue } from "../errors";
import { formatZodIssues } from "../validation";

/** Which stored value is read: the error names it. */
export interface StoredField {
  /** The row, e.g. `plan 5f0c…` or `step 2 of deployment 81a3…`. */
  record: string;
  /** The column, e.g. `operations`. */
  field: string;
}

/**
 * A value read back from the database that does not have the shape Portcullis writes (changed
 * outside Portcullis, or corrupt). Not an AppError on purpose: it is our fault, not the caller's,
 * so entry points log it with the request id and answer an internal error.
 */
export class StoredDataError extends Error {
  readonly record: string;
  readonly field: string;
  readonly issues: FieldIssue[];

  constructor(at: StoredField, issues: FieldIssue[]) {
    const listed = issues
      .slice(0, 3)
      .map((issue) => `${issue.path} ${issue.message}`)
      .join("; ");
    const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
    super(`The database holds an invalid value in ${at.record}, field ${at.field}: ${listed}${more}.`);
    this.name = "StoredDataError";
    this.record = at.record;
    this.field = at.field;
    this.issues = issues;
  }
}

/**
 * Parses a column read back from the database (a JSON document, or text that holds one of a
 * few values) with the schema of what is written there, so that a bad row fails here, naming
 * itself, instead of as a TypeError somewhere later. Values are never part of the error.
 */
export function parseStored<S extends z.ZodType>(schema: S, value: unknown, at: StoredField): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new StoredDataError(at, formatZodIssues(result.error, at.field));
}
