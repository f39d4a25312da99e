import type { Metadata } from "next";
import Link from "next/link";
import { RefreshWhileRunning } from "@/components/deployments/refresh-while-running";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { guardPage } from "@/lib/auth/console-guard";
import { getVerificationBatch } from "@/lib/verification/get-verification-batch";
import { orNotFound } from "../../../../lookup";

export const metadata: Metadata = { title: "Verify all" };

const TONE = { proven: "success", unproven: "warning", failed: "danger", error: "danger" } as const;
const WORD = { proven: "Proven", unproven: "Not proven", failed: "Failed", error: "Could not verify" } as const;

export default async function VerificationBatchPage({ params }: { params: Promise<{ id: string; batchId: string }> }) {
  const ctx = await guardPage("/instances/[id]/verifications/[batchId]");
  const { id, batchId } = await params;
  const batch = await orNotFound(getVerificationBatch(ctx, { instanceId: id, batchId }));
  const running = !batch.finished;

  return (
    <div className="space-y-6">
      <RefreshWhileRunning running={running} />
      <Breadcrumb trail={[{ href: "/instances", label: "Instances" }]} current="Verify all" />
      <div className="space-y-2">
        <h1 className="text-2xl font-semibold">Verify all</h1>
        <p className="text-sm text-slate-600">
          Started <DateTime value={batch.startedAt} /> by {batch.startedBy}, {batch.concurrency} APIs at a time.
        </p>
        <label className="block text-sm font-semibold" htmlFor="verify-progress">
          {batch.done} of {batch.total} APIs verified{running ? "…" : "."}
        </label>
        <progress id="verify-progress" className="w-full" value={batch.done} max={Math.max(batch.total, 1)}>
          {batch.done} of {batch.total}
        </progress>
        <p className="flex flex-wrap gap-2 text-sm" role="status">
          {(["failed", "error", "unproven", "proven"] as const).map((status) => (
            <Badge key={status} tone={TONE[status]}>
              {WORD[status]}: {batch.counts[status]}
            </Badge>
          ))}
        </p>
      </div>
      {batch.items.length === 0 ? (
        <p className="text-sm text-slate-600">
          {running ? "The first results arrive in a moment." : "This instance has no APIs to verify."}
        </p>
      ) : (
        <DataTable caption="Verified APIs, failures first" columns={["API", "Result", "Summary"]}>
          {batch.items.map((item) => (
            <tr key={item.verificationId} className="border-t border-slate-100 align-top">
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/apis/${item.apiId}#verification`} className="text-blue-700 underline">
                  {item.displayName}
                </Link>
              </th>
              <td className="px-3 py-2">
                <Badge tone={TONE[item.status]}>{WORD[item.status]}</Badge>
              </td>
              <td className="px-3 py-2">{item.summary}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
