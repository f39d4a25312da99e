import { NextResponse, type NextRequest } from "next/server";
import { completeSignIn, SIGN_IN_COOKIE } from "@/lib/auth/sign-in";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { getConfig } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { requestMetaFrom } from "@/lib/rest/request-meta";

/**
 * Public by design (ROUTE_ACCESS): the identity provider returns here. The one-time state,
 * the nonce and PKCE make a forged or replayed callback fail, and the sign-in cookie one
 * opened in another browser than the one that started the sign-in.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const meta = requestMetaFrom(request.headers);
  const appUrl = getConfig().appUrl;
  try {
    const done = await completeSignIn({
      callbackParams: request.nextUrl.searchParams,
      binding: request.cookies.get(SIGN_IN_COOKIE)?.value,
      meta,
    });
    const response = NextResponse.redirect(new URL(done.hasRole ? done.returnTo : "/no-role", appUrl), {
      headers: { "cache-control": "no-store" },
    });
    response.cookies.set({
      name: SESSION_COOKIE,
      value: done.cookieValue,
      httpOnly: true,
      secure: true,
      sameSite: "lax",
      path: "/",
      expires: done.expiresAt,
    });
    return response;
  } catch (error) {
    log.warn(
      { requestId: meta.requestId, reason: isAppError(error) ? error.message : String(error) },
      "sign-in failed",
    );
    if (!isAppError(error)) log.error({ err: error, requestId: meta.requestId }, "sign-in error");
    return NextResponse.redirect(new URL("/signin?reason=failed", appUrl));
  }
}
