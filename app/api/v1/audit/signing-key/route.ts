import { operations } from "@/lib/rest/operations";
import { getAuditSigningKeys } from "@/lib/audit/get-signing-keys";
import { apiHandler } from "@/lib/rest/api-handler";

export const GET = apiHandler(operations.getAuditSigningKeys, (ctx) => getAuditSigningKeys(ctx));
