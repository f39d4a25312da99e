import { notFound } from "next/navigation";
import { isAppError, type AppError, type FieldIssue } from "@/lib/errors";
import { CURSOR_FIELD } from "@/lib/rest/pagination";

const isNotFound = (error: unknown) => isAppError(error) && error.code === "not_found";

/**
 * A page's main lookup, by what the URL's path names: an unknown id, or one the use case refuses
 * as malformed (a name no environment can have), shows the not-found page instead of an error.
 */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (isNotFound(error) || (isAppError(error) && error.code === "bad_request")) notFound();
    throw error;
  }
}

/** A lookup of something that may not exist yet (an API's first profile): null instead of not_found. */
export async function orNull<T>(lookup: Promise<T>): Promise<T | null> {
  try {
    return await lookup;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/**
 * A page of a list whose cursor came from the URL: a cursor we did not issue (edited, or from
 * an older version) gives an empty page marked stale instead of an error page.
 */
export async function orStalePage<T>(
  lookup: Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; nextCursor: string | null; stale?: true }> {
  try {
    return await lookup;
  } catch (error) {
    if (isAppError(error) && error.fields.some((field) => field.path === CURSOR_FIELD))
      return { items: [], nextCursor: null, stale: true };
    throw error;
  }
}

/** A filtered list whose use case may refuse a filter (e.g. one matching too much): the refused fields instead. */
export async function orRefusedFilter<T>(
  lookup: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; fields: FieldIssue[] }> {
  try {
    return { ok: true, value: await lookup };
  } catch (error) {
    if (isAppError(error) && error.code === "bad_request" && error.fields.length > 0)
      return { ok: false, fields: error.fields };
    throw error;
  }
}

/** A read from APIM that may fail upstream: the failure to show in place of the result, anything else thrown. */
export async function orArmFailure<T>(
  read: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: AppError }> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    if (isAppError(error) && (error.code === "upstream" || error.code === "unavailable")) return { ok: false, error };
    throw error;
  }
}
