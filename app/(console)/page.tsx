import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { RecentDeployments } from "@/components/deployments/recent-deployments";
import { ApiAttentionList } from "@/components/overview/api-attention-list";
import { Section } from "@/components/ui/section";
import { listApis } from "@/lib/apis/list-apis";
import { guardPage } from "@/lib/auth/console-guard";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { DriftOverview } from "./drift-overview";

export const metadata: Metadata = { title: "Overview" };

const CAPABILITIES = [
  { permission: "config.read", text: "See the APIs, their access profiles, plans and deployments" },
  { permission: "config.write", text: "Change access profiles and secrets, and push them to Azure API Management" },
  { permission: "audit.read", text: "Read, verify and export the audit history" },
] as const;

const SHOWN = 10;
// The overview looks at this many APIs (by name); the APIs page lists them all.
const SCANNED = 200;

export default async function OverviewPage() {
  const ctx = await guardPage("/");
  const { items: apis, nextCursor } = await listApis(ctx, { limit: SCANNED });
  const live = apis.filter((api) => !api.gone);
  const withoutProfile = live.filter((api) => api.profileVersion === null);
  const troubled = live.filter((api) => api.lastDeployment?.status === "failed" || api.lastDeployment?.status === "conflicted");
  const deployed = apis
    .filter((api): api is typeof api & { lastDeployment: NonNullable<typeof api.lastDeployment> } => api.lastDeployment !== null)
    .sort((a, b) => b.lastDeployment.startedAt.localeCompare(a.lastDeployment.startedAt));
  const deployedInstances = [...new Set(deployed.filter((api) => !api.gone).map((api) => api.instanceId))];

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
        {apis.length === 0 ? (
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
              <h3 className="font-semibold">Without an access profile ({withoutProfile.length})</h3>
              {withoutProfile.length === 0 ? (
                <p className="text-sm text-slate-600">Every API has one.</p>
              ) : (
                <ApiAttentionList items={withoutProfile.slice(0, SHOWN).map((api) => ({ id: api.id, name: api.displayName }))} more={withoutProfile.length - SHOWN} moreHref="/apis" />
              )}
            </div>
            <div>
              <h3 className="font-semibold">Last deployment did not succeed ({troubled.length})</h3>
              {troubled.length === 0 ? (
                <p className="text-sm text-slate-600">None failed or conflicted.</p>
              ) : (
                <ApiAttentionList items={troubled.slice(0, SHOWN).map((api) => ({ id: api.id, name: api.displayName, why: api.lastDeployment?.status }))} more={troubled.length - SHOWN} moreHref="/apis" />
              )}
            </div>
            <div>
              <h3 className="font-semibold">Drift</h3>
              {deployedInstances.length === 0 ? (
                <p className="text-sm text-slate-600">Nothing deployed yet.</p>
              ) : (
                <Suspense fallback={<p className="text-sm text-slate-600" role="status">Checking APIM…</p>}>
                  <DriftOverview ctx={ctx} instanceIds={deployedInstances} names={new Map(apis.map((api) => [api.id, api.displayName]))} />
                </Suspense>
              )}
            </div>
          </div>
        )}
        {nextCursor ? <p className="text-xs text-slate-600">Only the first {SCANNED} APIs by name are looked at here.</p> : null}
      </Section>

      <Section id="recent" title="Recent deployments" card>
        {deployed.length === 0 ? <p className="text-sm text-slate-600">Nothing has been applied yet.</p> : <RecentDeployments apis={deployed.slice(0, SHOWN)} />}
      </Section>

      <section aria-labelledby="can" className="rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="can" className="mb-3 text-lg font-semibold">
          What you can do
        </h2>
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
      </section>
    </div>
  );
}
