import type { Metadata } from "next";
import Link from "next/link";
import { ChangeSetStatusBadge } from "@/components/change-sets/change-set-status";
import { Alert } from "@/components/ui/alert";
import { PageLinks, StalePageAlert } from "@/components/ui/page-links";
import { buttonStyles } from "@/components/ui/button-styles";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { guardPage } from "@/lib/auth/console-guard";
import { listChangeSets } from "@/lib/change-sets/list-change-sets";
import { orStalePage } from "../lookup";

export const metadata: Metadata = { title: "Change sets" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The change sets, newest first, a page at a time: one change made to many APIs, each with its progress. */
export default async function ChangeSetsPage({ searchParams }: Props) {
  const ctx = await guardPage("/change-sets");
  const { cursor } = await searchParams;
  const page = await orStalePage(listChangeSets(ctx, { cursor: typeof cursor === "string" ? cursor : undefined }));
  const sets = page.items;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Change sets</h1>
          <p className="text-sm text-slate-600">One change made to many APIs, approved once and applied together.</p>
        </div>
        {ctx.permissions.has("config.write") ? (
          <Link href="/change-sets/new" className={buttonStyles.primary}>
            New change set
          </Link>
        ) : null}
      </div>
      {"stale" in page ? (
        <StalePageAlert />
      ) : sets.length === 0 ? (
        <Alert title={cursor ? "No more change sets." : "No change set yet."} />
      ) : (
        <DataTable caption="Change sets, newest first" columns={["Change set", "Status", "APIs", "Applied", "Made"]}>
          {sets.map((set) => (
            <tr key={set.id} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-2 font-medium">
                <Link href={`/change-sets/${set.id}`} className="text-blue-700 underline">
                  {set.title}
                </Link>
              </th>
              <td className="px-3 py-2">
                <ChangeSetStatusBadge status={set.status} />
                {set.supersededBy ? (
                  <div className="mt-1 text-xs">
                    by{" "}
                    <Link href={`/change-sets/${set.supersededBy.id}`} className="text-blue-700 underline">
                      {set.supersededBy.title}
                    </Link>
                  </div>
                ) : null}
              </td>
              <td className="px-3 py-2">{set.apis}</td>
              <td className="px-3 py-2">
                {set.progress.counts.succeeded ?? 0} of {set.progress.total}
              </td>
              <td className="px-3 py-2">
                <DateTime value={set.createdAt} /> by {set.createdBy}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks
        path="/change-sets"
        cursor={typeof cursor === "string" ? cursor : undefined}
        nextCursor={page.nextCursor}
      />
    </div>
  );
}
