import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { RecentDeployments } from "@/components/deployments/recent-deployments";
import { ScheduledJobs } from "@/components/scheduler/scheduled-jobs";
import { ApiAttentionList } from "@/components/overview/api-attention-list";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { getOverview } from "@/lib/overview/get-overview";
import { listScheduledJobs } from "@/lib/scheduler/list-scheduled-jobs";
import { DriftOverview } from "./drift-overview";

export const metadata: Metadata = { title: "Overview" };

const CAPABILITIES = [
  { permission: "config.read", text: "See the APIs, their access profiles, plans and deployments" },
  { permission: "config.write", text: "Change access profiles and secrets, and push them to Azure API Management" },
  { permission: "audit.read", text: "Read, verify and export the audit history" },
] as const;

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function OverviewPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await guardPage("/");
  const [overview, jobs] = await Promise.all([getOverview(ctx), listScheduledJobs(ctx)]);
  // Checking drift reads APIM for every deployed API, so it runs when someone asks for it.
  const checkDrift = (await searchParams).drift === "check";

  return (
    <div className="space-y-8">
      <section aria-labelledby="you">
        <h1 id="you" className="text-2xl font-semibold">
          Welcome, {ctx.actor.name}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Signed in as {ctx.actor.roles.map((role) => ROLE_LABELS[role]).join(", ")}.
        </p>
      </section>

      <Section id="attention" title="Needs attention" card>
        {overview.apiCount === 0 ? (
          <p className="text-sm">
            No APIs yet.{" "}
            <Link href="/instances" className="font-semibold text-blue-700 underline">
              Sync an instance
            </Link>{" "}
            to discover them.
          </p>
        ) : (
          <div className="grid gap-6 md:grid-cols-3">
            <div>
              <h3 className="font-semibold">Without an access profile ({overview.withoutProfile.count})</h3>
              {overview.withoutProfile.count === 0 ? (
                <p className="text-sm text-slate-600">Every API has one.</p>
              ) : (
                <ApiAttentionList
                  items={overview.withoutProfile.items.map((api) => ({ id: api.id, name: api.displayName }))}
                  more={overview.withoutProfile.count - overview.withoutProfile.items.length}
                  moreHref="/apis"
                />
              )}
            </div>
            <div>
              <h3 className="font-semibold">Last deployment did not succeed ({overview.troubled.count})</h3>
              {overview.troubled.count === 0 ? (
                <p className="text-sm text-slate-600">None failed or conflicted.</p>
              ) : (
                <ApiAttentionList
                  items={overview.troubled.items.map((api) => ({ id: api.id, name: api.displayName, why: api.status }))}
                  more={overview.troubled.count - overview.troubled.items.length}
                  moreHref="/apis"
                />
              )}
            </div>
            <div>
              <h3 className="font-semibold">Drift</h3>
              {overview.deployedInstanceIds.length === 0 ? (
                <p className="text-sm text-slate-600">Nothing deployed yet.</p>
              ) : checkDrift ? (
                <Suspense
                  fallback={
                    <p className="text-sm text-slate-600" role="status">
                      Checking APIM…
                    </p>
                  }
                >
                  <DriftOverview ctx={ctx} instanceIds={overview.deployedInstanceIds} />
                </Suspense>
              ) : (
                <p className="text-sm text-slate-600">
                  <Link href="/?drift=check#attention-title" className="font-semibold text-blue-700 underline">
                    Check every deployed API for drift
                  </Link>{" "}
                  (reads APIM).
                </p>
              )}
            </div>
          </div>
        )}
      </Section>

      <Section id="recent" title="Recent deployments" card>
        {overview.recentDeployments.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing has been applied yet.</p>
        ) : (
          <RecentDeployments deployments={overview.recentDeployments} />
        )}
      </Section>

      <Section id="scheduled-jobs" title="Scheduled jobs" card>
        <ScheduledJobs jobs={jobs} />
      </Section>

      <Section id="can" title="What you can do" card>
        <ul className="space-y-2 text-sm" data-testid="capabilities">
          {CAPABILITIES.map((c) => (
            <li key={c.permission} className="flex gap-2">
              <span aria-hidden="true">{ctx.permissions.has(c.permission) ? "✓" : "—"}</span>
              <span className={ctx.permissions.has(c.permission) ? "" : "text-slate-500 line-through"}>
                {c.text}
                <span className="sr-only">{ctx.permissions.has(c.permission) ? " (allowed)" : " (not allowed)"}</span>
              </span>
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
