import { operations } from "@/lib/rest/operations";
import { verifyAuditHistory } from "@/lib/audit/verify-audit-history";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.verifyAuditChain, (ctx) => verifyAuditHistory(ctx));
