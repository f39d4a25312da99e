import { AppError, isAppError } from "../errors";

const REDACTED = "[secret value]";

/**
 * The error with every occurrence of a typed secret value replaced. ARM's messages are
 * APIM's own words, which we do not control: should APIM ever quote a value it rejects, the
 * value still never reaches an error body, a log line or the audit trail. Other errors are
 * our own bugs and never hold a value; they pass through.
 */
export function withoutValue(error: unknown, value: string): unknown {
  if (!isAppError(error)) return error;
  return new AppError(error.code, scrub(error.message, value), {
    fields: scrub(error.fields, value),
    details: scrub(error.details, value),
  });
}

function scrub<T>(data: T, value: string): T {
  if (typeof data === "string") return data.replaceAll(value, REDACTED) as T;
  if (Array.isArray(data)) return data.map((item: unknown) => scrub(item, value)) as T;
  if (data !== null && typeof data === "object") {
    return Object.fromEntries(Object.entries(data).map(([key, item]) => [key, scrub(item, value)])) as T;
  }
  return data;
}
