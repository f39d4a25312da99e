import { operations } from "@/lib/api/operations";
import { verifyAuditHistory } from "@/lib/audit/verify-audit-history";
import { apiHandler } from "@/lib/http/api-handler";

export const GET = apiHandler(operations.verifyAuditChain, (ctx) => verifyAuditHistory(ctx));
