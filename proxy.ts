import { NextResponse, type NextRequest } from "next/server";
import { crossSiteActionOrigin } from "./lib/auth/cross-site-action";
import { SESSION_COOKIE } from "./lib/auth/sessions";
import { getConfig } from "./lib/env";
import { NOTHING_POLICY, newNonce, pagePolicy, securityHeaders } from "./lib/http/security-headers";
import { edgeRefusal } from "./lib/rest/edge-refusal";
import { problemResponse, toProblem } from "./lib/rest/problem";
import { requestMetaFrom } from "./lib/rest/request-meta";

/**
 * Runs before every request except static files. It makes no access decision (each page, action
 * and route guards itself); it
 * - answers what no route should see: a path that does not decode, a method nothing serves, a
 *   REST path that does not exist (edge-refusal.ts), as problem+json;
 * - sends server actions posted from another site to their refusal (cross-site-action.ts);
 * - sends console pages without a session cookie to sign-in, with the page they asked for;
 * - sets the security headers, with a fresh script nonce for every page (security-headers.ts).
 */
export function proxy(request: NextRequest): Response {
  const config = getConfig();
  const settings = { appUrl: config.appUrl, identityProvider: config.entra?.authorityHost };
  const { pathname, search } = request.nextUrl;
  const policy = pathname.startsWith("/api/") ? NOTHING_POLICY : pagePolicy(newNonce(), settings);
  const headers = securityHeaders(policy, settings);
  const { requestId } = requestMetaFrom(request.headers);

  const refusal = edgeRefusal(request.method, pathname);
  if (refusal) {
    const extra: Record<string, string> = refusal.allow ? { allow: refusal.allow } : {};
    return withHeaders(problemResponse(toProblem(refusal.error, requestId), extra), headers);
  }

  const forwarded = new Headers(request.headers);
  // One request id for every part of the request (audit events, logs, error bodies).
  forwarded.set("x-request-id", requestId);
  // Lets guardPage send an expired session back to sign-in with the page it was on.
  forwarded.set("x-portcullis-path", pathname + search);
  // Next.js reads the nonce for its own scripts from the request's copy of the policy.
  forwarded.set("content-security-policy", policy);

  if (crossSiteActionOrigin(request.method, request.headers) !== undefined) {
    const refuse = new URL("/auth/refused-action", request.url);
    return withHeaders(NextResponse.rewrite(refuse, { request: { headers: forwarded } }), headers);
  }
  if (isConsolePage(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("returnTo", pathname + search);
    return withHeaders(NextResponse.redirect(signIn), headers);
  }
  return withHeaders(NextResponse.next({ request: { headers: forwarded } }), headers);
}

/** Everything except the sign-in flow, the public pages and the REST API needs a session. */
function isConsolePage(pathname: string): boolean {
  return !/^\/(signin|auth\/|api\/)/.test(pathname);
}

function withHeaders(response: Response, headers: Record<string, string>): Response {
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
