import type { Metadata } from "next";
import { ChangeSetBuilder, type SelectableApi } from "@/components/change-sets/change-set-builder";
import { guardPage } from "@/lib/auth/console-guard";
import { listApis } from "@/lib/apis/list-apis";
import { listInstances } from "@/lib/instances/list-instances";
import { MAX_CHANGE_SET_APIS } from "@/lib/change-sets/schemas";
import { listTemplates } from "@/lib/templates/list-templates";
import { createChangeSetAction } from "../actions";

export const metadata: Metadata = { title: "New change set" };

/**
 * Choose one change and the APIs to make it to; saving plans every API and opens the set.
 * `?change=promote` opens it on promotion (the API page links here to promote several at once).
 */
export default async function NewChangeSetPage({ searchParams }: { searchParams: Promise<Record<string, unknown>> }) {
  const ctx = await guardPage("/change-sets/new");
  const promote = (await searchParams).change === "promote";
  const instances = await listInstances(ctx, { limit: 200 });
  const apis: SelectableApi[] = [];
  let cursor: string | undefined;
  do {
    const page = await listApis(ctx, { limit: 200, cursor });
    apis.push(...page.items.filter((api) => !api.gone));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && apis.length < MAX_CHANGE_SET_APIS);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">New change set</h1>
        <p className="text-sm text-slate-600">
          One change made to the current access profile of each API you select: Portcullis saves a new profile version
          of each and plans it, then shows the set on one page to review, approve and apply. At most{" "}
          {MAX_CHANGE_SET_APIS} APIs.
        </p>
      </div>
      <ChangeSetBuilder
        apis={apis.slice(0, MAX_CHANGE_SET_APIS)}
        templates={await listTemplates(ctx)}
        targets={instances.items}
        initialOp={promote ? "promote" : undefined}
        action={createChangeSetAction}
      />
    </div>
  );
}
