import { exportAuditEvents } from "./export-audit-events";
import type { RequestContext } from "../auth/request-context";
import type { AuditFilter } from "./schemas";

/** The export as an HTTP download, shared by the REST API and the console. */
export async function auditDownload(
  ctx: RequestContext,
  filter: Omit<AuditFilter, "cursor" | "limit">,
  format: "ndjson" | "csv",
): Promise<Response> {
  const stream = await exportAuditEvents(ctx, filter, format);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(stream, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
      "content-disposition": `attachment; filename="portcullis-audit-${stamp}.${format === "csv" ? "csv" : "ndjson"}"`,
      "cache-control": "no-store",
    },
  });
}
