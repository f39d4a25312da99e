import { z } from "zod";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { DEFAULT_PAGE_SIZE, newestFirst, toPage } from "../rest/pagination";
import type { verificationListQuerySchema, VerificationView } from "./schemas";
import { toVerificationView, verificationViewInclude } from "./verification-view";

/** An API's verifications, newest first, with their probes. */
export async function listVerifications(
  ctx: RequestContext,
  input: { apiId: string } & z.output<typeof verificationListQuerySchema>,
): Promise<{ items: VerificationView[]; nextCursor: string | null }> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const limit = input.limit ?? DEFAULT_PAGE_SIZE;
  const page = newestFirst(input.cursor, "startedAt");
  const rows = await db.verification.findMany({
    where: { apiId: input.apiId, ...page.where },
    include: verificationViewInclude,
    orderBy: page.orderBy,
    take: limit + 1,
  });
  return toPage(rows, limit, toVerificationView, page.keyOf);
}

/** The API's latest verification; not_found when it was never verified. */
export async function getLatestVerification(ctx: RequestContext, input: { apiId: string }): Promise<VerificationView> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const row = await db.verification.findFirst({
    where: { apiId: input.apiId },
    include: verificationViewInclude,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
  });
  if (!row) throw new AppError("not_found", "This API has not been verified yet.");
  return toVerificationView(row);
}
