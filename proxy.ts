import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/sessions";

/**
 * Runs before every console request. It only redirects and annotates: the authorization
 * decision is made by each page and action (guardPage/guardAction), never here.
 */
export function proxy(request: NextRequest): NextResponse {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  if (!request.cookies.has(SESSION_COOKIE)) {
    const signIn = new URL("/signin", request.url);
    signIn.searchParams.set("returnTo", path);
    return NextResponse.redirect(signIn);
  }
  // Lets guardPage send an expired session back to sign-in with the page it was on.
  const headers = new Headers(request.headers);
  headers.set("x-portcullis-path", path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Everything except the sign-in flow, the public pages, the REST API and static assets.
  matcher: ["/((?!signin|auth/|api/|_next/|favicon.ico).*)"],
};
