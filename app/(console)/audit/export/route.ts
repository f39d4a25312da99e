import { auditDownload } from "@/lib/audit/audit-download";
import { auditFilterSchema } from "@/lib/audit/schemas";
import { guardRoute } from "@/lib/auth/console-guard";
import { problemResponse, toProblem } from "@/lib/rest/problem";
import { requestMetaFrom } from "@/lib/rest/request-meta";
import { parseInput } from "@/lib/validation";

/** The console's audit download (session cookie); the REST API has /api/v1/audit/export. */
export async function GET(request: Request): Promise<Response> {
  try {
    const ctx = await guardRoute("/audit/export");
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const { cursor: _cursor, limit: _limit, ...filter } = parseInput(auditFilterSchema, params, "filter");
    return await auditDownload(ctx, filter, params.format === "csv" ? "csv" : "ndjson");
  } catch (error) {
    return problemResponse(toProblem(error, requestMetaFrom(request.headers).requestId));
  }
}
