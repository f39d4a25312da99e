import { AppError } from "../errors";
import { restRouteMethods } from "./rest-routes";

/** What the console's pages and routes are sent: pages are read, actions and forms posted. */
const CONSOLE_METHODS = ["GET", "HEAD", "POST"];

export interface EdgeRefusal {
  error: AppError;
  /** The Allow header of a 405. */
  allow?: string;
}

/**
 * Requests refused before any route runs (by proxy.ts), so that they get a problem instead of
 * whatever Next.js would answer — a path that is not valid percent-encoded UTF-8 made Next.js
 * fail with 500 text/plain, and TRACE with 500:
 * - a path segment that does not decode: 400;
 * - under /api/v1, a path no operation has: 404; a method its route does not serve: 405;
 * - elsewhere, a method other than GET, HEAD and POST: 405.
 */
export function edgeRefusal(method: string, pathname: string): EdgeRefusal | undefined {
  if (!pathname.split("/").every(decodes)) {
    return {
      error: new AppError("bad_request", "The request path is not valid percent-encoded UTF-8.", {
        fields: [{ path: "path", message: "must be valid percent-encoded UTF-8" }],
      }),
    };
  }
  if (pathname === "/api/v1" || pathname.startsWith("/api/v1/")) {
    const methods = restRouteMethods(pathname.slice("/api/v1".length));
    if (!methods) {
      return { error: new AppError("not_found", "No REST operation has this path; see /api/v1/openapi.json.") };
    }
    return methods.includes(method) ? undefined : methodNotAllowed(method, methods);
  }
  return CONSOLE_METHODS.includes(method) ? undefined : methodNotAllowed(method, CONSOLE_METHODS);
}

function methodNotAllowed(method: string, allowed: string[]): EdgeRefusal {
  return {
    error: new AppError("method_not_allowed", `${method} is not allowed here; use ${allowed.join(", ")}.`),
    allow: allowed.join(", "),
  };
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}
