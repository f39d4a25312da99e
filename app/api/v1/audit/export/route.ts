import { operations } from "@/lib/api/operations";
import { auditDownload } from "@/lib/audit/audit-download";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.exportAuditEvents, (ctx, { query: { format, ...filter } }) => auditDownload(ctx, filter, format));
