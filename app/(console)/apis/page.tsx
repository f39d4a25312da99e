import type { Metadata } from "next";
import Link from "next/link";
import { ApiFilters } from "@/components/apis/api-filters";
import { ApiTable } from "@/components/apis/api-table";
import { Alert } from "@/components/ui/alert";
import { PageLinks, StalePageAlert } from "@/components/ui/page-links";
import { listApis } from "@/lib/apis/list-apis";
import { apiListQuerySchema } from "@/lib/apis/schemas";
import { guardPage } from "@/lib/auth/console-guard";
import { listInstances } from "@/lib/instances/list-instances";
import { validateInput } from "@/lib/validation";
import { orStalePage } from "../lookup";

export const metadata: Metadata = { title: "APIs" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ApisPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await guardPage("/apis");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const parsed = validateInput(apiListQuerySchema, raw);
  const [instances, page] = await Promise.all([
    listInstances(ctx, { limit: 200 }),
    parsed.success ? orStalePage(listApis(ctx, parsed.data)) : { items: [], nextCursor: null },
  ]);
  const errors = parsed.success ? [] : parsed.fields;
  const filtered = Boolean(raw.search || raw.instanceId);
  const filterQuery = new URLSearchParams(
    Object.entries(raw).filter(([key]) => key === "search" || key === "instanceId"),
  );

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">APIs</h1>
        <p className="text-sm text-slate-600">
          The APIs discovered in your APIM instances, with their access profile and last deployment.
        </p>
      </div>
      <ApiFilters
        search={raw.search ?? ""}
        instanceId={raw.instanceId ?? ""}
        instances={instances.items}
        errors={errors}
      />

      {"stale" in page ? <StalePageAlert /> : null}
      {page.items.length > 0 ? (
        <ApiTable apis={page.items} />
      ) : filtered || errors.length > 0 ? (
        <Alert title="No APIs match these filters." />
      ) : (
        <Alert title="No APIs yet.">
          APIs appear here once an instance has been synced.{" "}
          <Link href="/instances" className="font-semibold text-blue-700 underline">
            Sync an instance
          </Link>{" "}
          to discover its APIs.
        </Alert>
      )}

      <PageLinks path="/apis" query={filterQuery} cursor={raw.cursor} nextCursor={page.nextCursor} />
    </div>
  );
}
