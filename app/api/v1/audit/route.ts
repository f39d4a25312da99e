import { operations } from "@/lib/api/operations";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.listAuditEvents, (ctx, { query }) => listAuditEvents(ctx, query));
