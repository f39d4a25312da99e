import type { Metadata } from "next";
import { guardPage } from "@/lib/auth/console-guard";
import { ROLE_LABELS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Overview" };

const CAPABILITIES = [
  { permission: "config.read", text: "See the APIs, their access profiles, plans and deployments" },
  { permission: "config.write", text: "Change access profiles and secrets, and push them to Azure API Management" },
  { permission: "audit.read", text: "Read, verify and export the audit history" },
] as const;

export default async function OverviewPage() {
  const ctx = await guardPage("/");
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
      <section aria-labelledby="can" className="rounded-lg border border-slate-200 bg-white p-6">
        <h2 id="can" className="mb-3 text-lg font-semibold">
          What you can do
        </h2>
        <ul className="space-y-2 text-sm" data-testid="capabilities">
          {CAPABILITIES.map((c) => (
            <li key={c.permission} className="flex gap-2">
              <span aria-hidden="true">{ctx.permissions.has(c.permission) ? "✓" : "—"}</span>
              <span className={ctx.permissions.has(c.permission) ? "" : "text-slate-400 line-through"}>
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
