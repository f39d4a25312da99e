import { accessMatrixDownload } from "@/lib/access/access-matrix-csv";
import { accessMatrixQuerySchema } from "@/lib/access/matrix-schemas";
import { guardRoute } from "@/lib/auth/console-guard";
import { problemResponse, toProblem } from "@/lib/rest/problem";
import { requestMetaFrom } from "@/lib/rest/request-meta";
import { parseInput } from "@/lib/validation";

type RouteContext = { params: Promise<{ id: string }> };

/** The console's CSV download of the access matrix (session cookie); the REST API has /api/v1/instances/{id}/access-matrix/export. */
export async function GET(request: Request, { params }: RouteContext): Promise<Response> {
  try {
    const ctx = await guardRoute("/instances/[id]/access/export");
    const { id } = await params;
    const query = parseInput(accessMatrixQuerySchema, Object.fromEntries(new URL(request.url).searchParams), "filter");
    return await accessMatrixDownload(ctx, { instanceId: id, ...query });
  } catch (error) {
    return problemResponse(toProblem(error, requestMetaFrom(request.headers).requestId));
  }
}
