import type { Metadata } from "next";
import Link from "next/link";
import { AuditEventRow } from "@/components/audit/audit-event-row";
import { Alert } from "@/components/ui/alert";
import { StalePageAlert } from "@/components/ui/page-links";
import { buttonStyles } from "@/components/ui/button-styles";
import { DataTable } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import { TextField } from "@/components/ui/text-field";
import { listAuditEvents } from "@/lib/audit/list-audit-events";
import { auditFilterSchema } from "@/lib/audit/schemas";
import { verifyAuditHistory } from "@/lib/audit/verify-audit-history";
import { guardPage } from "@/lib/auth/console-guard";
import { validateInput } from "@/lib/validation";
import { orRefusedFilter, orStalePage } from "../lookup";

export const metadata: Metadata = { title: "Audit history" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const FILTERS = [
  { name: "actor", label: "Actor", hint: "Object id or part of the name" },
  { name: "action", label: "Action", hint: "e.g. profile.save or deployment.*" },
  { name: "target", label: "Target", hint: "Type or type:id, e.g. api" },
  { name: "from", label: "From (UTC)", hint: "e.g. 2026-11-01T00:00:00Z" },
  { name: "to", label: "To (UTC)", hint: "Exclusive" },
  { name: "planHash", label: "Plan hash", hint: "One plan's approvals and apply" },
  { name: "changeHash", label: "Change hash", hint: "A change set's or settings change's approvals and apply" },
] as const;

export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await guardPage("/audit");
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const parsed = validateInput(auditFilterSchema, raw);
  const listed = parsed.success ? await orRefusedFilter(orStalePage(listAuditEvents(ctx, parsed.data))) : null;
  const errors = parsed.success ? (listed?.ok ? [] : (listed?.fields ?? [])) : parsed.fields;
  const page = listed?.ok ? listed.value : { items: [], nextCursor: null };
  const verification = raw.verify === "1" ? await verifyAuditHistory(ctx) : null;
  const filterQuery = new URLSearchParams(Object.entries(raw).filter(([k]) => FILTERS.some((f) => f.name === k)));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Audit history</h1>
          <p className="text-sm text-slate-600">
            Every change, sign-in and denied attempt, hash-chained so tampering shows.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link
            className={buttonStyles.secondary}
            href={`/audit?${new URLSearchParams({ ...Object.fromEntries(filterQuery), verify: "1" })}`}
          >
            Verify chain
          </Link>
          <a
            className={buttonStyles.secondary}
            href={`/audit/export?${new URLSearchParams({ ...Object.fromEntries(filterQuery), format: "csv" })}`}
            download
          >
            Export CSV
          </a>
          <a
            className={buttonStyles.secondary}
            href={`/audit/export?${new URLSearchParams({ ...Object.fromEntries(filterQuery), format: "ndjson" })}`}
            download
          >
            Export NDJSON (verifiable)
          </a>
        </div>
      </div>

      {verification ? (
        verification.ok ? (
          <Alert
            tone="success"
            title={`The chain verifies: ${verification.eventsChecked} events, none altered or missing.`}
          >
            Signed checkpoints prove it up to event {verification.checkpoints.lastTrustworthySeq}
            {verification.checkpoints.lastSignedAt ? ` (signed ${verification.checkpoints.lastSignedAt})` : ""}
            {verification.checkpoints.unsignedEvents > 0
              ? `; the ${verification.checkpoints.unsignedEvents} events since are not signed yet`
              : ""}
            . Head hash <code className="break-all font-mono text-xs">{verification.headHash}</code>.
          </Alert>
        ) : verification.firstBad ? (
          <Alert tone="error" title={`The chain is broken at event ${verification.firstBad.seq}.`}>
            {verification.firstBad.reason} ({verification.eventsChecked} events before it verify; signed checkpoints
            prove them up to event {verification.checkpoints.lastTrustworthySeq}.)
          </Alert>
        ) : (
          <Alert
            tone="error"
            title={`The history was rewritten: the checkpoint signed at event ${verification.checkpoints.firstBad?.seq} does not hold.`}
          >
            {verification.checkpoints.firstBad?.reason}. Only events up to {verification.checkpoints.lastTrustworthySeq}{" "}
            are proven by a signature.
          </Alert>
        )
      ) : null}

      <Section card padding="compact">
        <form method="get" className="grid gap-4 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter events">
          {FILTERS.map((f) => (
            <TextField
              key={f.name}
              id={`filter-${f.name}`}
              name={f.name}
              label={f.label}
              hint={f.hint}
              error={errors.find((e) => e.path === f.name)?.message}
              defaultValue={raw[f.name] ?? ""}
            />
          ))}
          <div className="flex items-end gap-2">
            <button type="submit" className={buttonStyles.primary}>
              Filter
            </button>
            <Link href="/audit" className="text-sm text-blue-700 underline">
              Clear
            </Link>
          </div>
        </form>
      </Section>

      {"stale" in page ? (
        <StalePageAlert />
      ) : page.items.length === 0 ? (
        <Alert title={errors.length ? "Fix the filter to see events." : "No events match."} />
      ) : (
        <DataTable
          caption="Audit events, newest first"
          columns={["#", "Time", "Actor", "Action", "Target", "Outcome", "More"]}
        >
          {page.items.map((event) => (
            <AuditEventRow key={event.id} event={event} />
          ))}
        </DataTable>
      )}
      {page.nextCursor ? (
        <Link
          className={buttonStyles.secondary}
          href={`/audit?${new URLSearchParams({ ...Object.fromEntries(filterQuery), cursor: page.nextCursor })}`}
        >
          Older events
        </Link>
      ) : null}
    </div>
  );
}
