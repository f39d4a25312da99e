import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { verifyAuditChain, type ChainVerification } from "./verify-audit-chain";

/** Walks the whole audit chain for a reviewer (REST GET /audit/verify and the console). */
export async function verifyAuditHistory(ctx: RequestContext): Promise<ChainVerification> {
  await authorize(ctx, "audit.read");
  return verifyAuditChain(getDb());
}
