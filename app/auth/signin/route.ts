import { NextResponse, type NextRequest } from "next/server";
import { beginSignIn, SIGN_IN_COOKIE, signInCookie } from "@/lib/auth/sign-in";
import { toProblem } from "@/lib/rest/problem";
import { requestMetaFrom } from "@/lib/rest/request-meta";

/**
 * Public by design (ROUTE_ACCESS): starts the OpenID Connect sign-in, binding it to this
 * browser with the sign-in cookie (see lib/auth/sign-in.ts).
 */
export async function GET(request: NextRequest): Promise<Response> {
  try {
    const { authorizationUrl, binding } = await beginSignIn({
      returnTo: request.nextUrl.searchParams.get("returnTo"),
      binding: request.cookies.get(SIGN_IN_COOKIE)?.value,
    });
    const response = NextResponse.redirect(authorizationUrl, { headers: { "cache-control": "no-store" } });
    response.cookies.set(signInCookie(binding));
    return response;
  } catch (error) {
    const problem = toProblem(error, requestMetaFrom(request.headers).requestId);
    return new Response(`Sign-in cannot start: ${problem.detail}`, {
      status: problem.status,
      headers: { "content-type": "text/plain" },
    });
  }
}
