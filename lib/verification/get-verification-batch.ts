import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { isUuid } from "../apis/find-api";
import { AppError } from "../errors";
import type { VerificationBatchView } from "./schemas";

const FAILURES_FIRST: Record<string, number> = { failed: 0, error: 1, unproven: 2, proven: 3 };

/** A "Verify all" batch: n of N verified, by status, the APIs so far with failures first. */
export async function getVerificationBatch(
  ctx: RequestContext,
  input: { instanceId: string; batchId: string },
): Promise<VerificationBatchView> {
  await authorize(ctx, "config.read");
  const batch = isUuid(input.batchId)
    ? await getDb().verificationBatch.findUnique({
        where: { id: input.batchId },
        include: {
          verifications: {
            select: {
              id: true,
              status: true,
              summary: true,
              api: { select: { id: true, apimName: true, displayName: true } },
            },
          },
        },
      })
    : null;
  if (!batch || batch.instanceId !== input.instanceId)
    throw new AppError("not_found", `There is no verification batch ${input.batchId} of this instance.`);
  const items = batch.verifications
    .map((verification) => ({
      apiId: verification.api.id,
      apimName: verification.api.apimName,
      displayName: verification.api.displayName,
      verificationId: verification.id,
      status: verification.status as VerificationBatchView["items"][number]["status"],
      summary: verification.summary,
    }))
    .sort(
      (a, b) =>
        (FAILURES_FIRST[a.status] ?? 9) - (FAILURES_FIRST[b.status] ?? 9) || a.apimName.localeCompare(b.apimName),
    );
  const counts: VerificationBatchView["counts"] = { proven: 0, unproven: 0, failed: 0, error: 0 };
  for (const item of items) counts[item.status] += 1;
  return {
    id: batch.id,
    instanceId: batch.instanceId,
    total: batch.total,
    done: items.length,
    concurrency: batch.concurrency,
    counts,
    finished: batch.finishedAt !== null,
    startedAt: batch.startedAt.toISOString(),
    finishedAt: batch.finishedAt?.toISOString() ?? null,
    startedBy: batch.startedBy,
    items,
  };
}
