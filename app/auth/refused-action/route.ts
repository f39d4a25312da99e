import { crossSiteActionOrigin } from "@/lib/auth/cross-site-action";
import { sessionContext } from "@/lib/auth/console-guard";
import { recordCrossSiteAction } from "@/lib/auth/record-cross-site-action";
import { AppError } from "@/lib/errors";
import { problemResponse, toProblem } from "@/lib/rest/problem";
import { requestMetaFrom } from "@/lib/rest/request-meta";

/**
 * Public by design (ROUTE_ACCESS): proxy.ts rewrites here every server action posted from another
 * site, instead of letting Next.js fail on it. It refuses (403) and records who tried.
 */
export async function POST(request: Request): Promise<Response> {
  const { requestId } = requestMetaFrom(request.headers);
  const origin = crossSiteActionOrigin(request.method, request.headers);
  if (origin !== undefined) {
    const path = request.headers.get("x-portcullis-path") ?? "(unknown)";
    await recordCrossSiteAction(await sessionContext(), { path, origin, requestId });
  }
  const refusal = new AppError(
    "forbidden",
    "This form was posted from another site; Portcullis takes console actions only from its own pages.",
  );
  return problemResponse(toProblem(refusal, requestId));
}
