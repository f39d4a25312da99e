import { operations } from "@/lib/rest/operations";
import { auditDownload } from "@/lib/audit/audit-download";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.exportAuditEvents, (ctx, { query: { format, ...filter } }) =>
  auditDownload(ctx, filter, format),
);
