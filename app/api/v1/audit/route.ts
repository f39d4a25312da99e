import { operations } from "@/lib/rest/operations";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.listAuditEvents, (ctx, { query }) => listAuditEvents(ctx, query));
