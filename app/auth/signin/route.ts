import { NextResponse } from "next/server";
import { beginSignIn } from "@/lib/auth/sign-in";
import { toProblem } from "@/lib/rest/problem";
import { requestMetaFrom } from "@/lib/rest/request-meta";

/** Public by design (ROUTE_ACCESS): starts the OpenID Connect sign-in. */
export async function GET(request: Request): Promise<Response> {
  try {
    const url = await beginSignIn({ returnTo: new URL(request.url).searchParams.get("returnTo") });
    return NextResponse.redirect(url, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    const problem = toProblem(error, requestMetaFrom(request.headers).requestId);
    return new Response(`Sign-in cannot start: ${problem.detail}`, {
      status: problem.status,
      headers: { "content-type": "text/plain" },
    });
  }
}
