import { notFound } from "next/navigation";
import { isAppError, type AppError } from "@/lib/errors";

const isNotFound = (error: unknown) => isAppError(error) && error.code === "not_found";

/** A page's main lookup: an unknown id shows the not-found page instead of an error. */
export async function orNotFound<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (isNotFound(error)) notFound();
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
    if (isAppError(error) && error.code === "bad_request") return { items: [], nextCursor: null, stale: true };
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
