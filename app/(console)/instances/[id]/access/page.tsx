import type { Metadata } from "next";
import { AccessFilters } from "@/components/access/access-filters";
import { AccessMatrixTable } from "@/components/access/access-matrix-table";
import { ClientApplicationPaths } from "@/components/access/client-application-paths";
import { DIRECTORY_NOTES, DirectoryProblem } from "@/components/access/directory-note";
import { UnreadableScopes } from "@/components/access/unreadable-scopes";
import { ArmProblem } from "@/components/arm/arm-problem";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button-styles";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { filterAccessRows, getAccessMatrix } from "@/lib/access/get-access-matrix";
import { applicationAccessIn } from "@/lib/access/get-client-application-access";
import { accessPageQuerySchema } from "@/lib/access/matrix-schemas";
import { guardPage } from "@/lib/auth/console-guard";
import { getInstance } from "@/lib/instances/get-instance";
import { validateInput } from "@/lib/validation";
import { orArmFailure, orNotFound } from "../../../lookup";

export const metadata: Metadata = { title: "Access matrix" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AccessMatrixPage({ params, searchParams }: Props) {
  const ctx = await guardPage("/instances/[id]/access");
  const { id } = await params;
  const raw = Object.fromEntries(
    Object.entries(await searchParams).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
  );
  const parsed = validateInput(accessPageQuerySchema, raw);
  const query = parsed.success ? parsed.data : {};
  const instance = await orNotFound(getInstance(ctx, { instanceId: id }));
  // One read of every scope: the lookup below answers from the same matrix, unfiltered.
  const read = await orArmFailure(getAccessMatrix(ctx, { instanceId: id }));
  const filtered = Boolean(query.anyoneCanCall || query.hasFindings);
  const rows = read.ok ? filterAccessRows(read.value.rows, query) : [];
  const exportQuery = new URLSearchParams(
    Object.entries(raw).filter(([key]) => key === "anyoneCanCall" || key === "hasFindings"),
  ).toString();

  return (
    <div className="space-y-6">
      <Breadcrumb trail={[{ href: "/instances", label: "Instances" }]} current={`${instance.name}: access`} />
      <div>
        <h1 className="text-2xl font-semibold">Who can call the APIs of {instance.name}</h1>
        <p className="text-sm text-slate-600">
          What APIM really decides for each API, across the global, product, API and operation policies — not only what
          an access profile says. Every scope is read from APIM when this page loads; nothing here is stored.
        </p>
      </div>

      <AccessFilters
        instanceId={id}
        anyoneCanCall={query.anyoneCanCall ?? false}
        hasFindings={query.hasFindings ?? false}
        appId={raw.appId ?? ""}
        errors={parsed.success ? [] : parsed.fields}
      />

      {!read.ok ? (
        <ArmProblem title="The scopes of this instance could not be read from APIM." error={read.error} />
      ) : (
        <>
          {query.appId ? (
            <Section id="client-access" title={`APIs client application ${query.appId} can call`}>
              <ClientApplicationPaths appId={query.appId} {...applicationAccessIn(read.value, query.appId)} />
            </Section>
          ) : null}

          <Section id="matrix" title="Access matrix">
            <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
              <p>
                Read from APIM <DateTime value={read.value.readTo} /> in {read.value.armRequests} ARM requests.{" "}
                {DIRECTORY_NOTES[read.value.directory]}
              </p>
              <a
                className={buttonStyles.secondary}
                href={`/instances/${id}/access/export${exportQuery ? `?${exportQuery}` : ""}`}
                download
              >
                Download CSV{filtered ? " (filtered)" : ""}
              </a>
            </div>
            {read.value.directoryProblem ? <DirectoryProblem problem={read.value.directoryProblem} /> : null}
            {read.value.unreadable.length > 0 ? (
              <Alert tone="error" title="Parts of the instance could not be read: APIs there are missing below.">
                <UnreadableScopes scopes={read.value.unreadable} />
              </Alert>
            ) : null}
            {rows.length > 0 ? (
              <AccessMatrixTable
                rows={rows}
                caption={`Effective access of the APIs of ${instance.name}${filtered ? " (filtered)" : ""}: one row per API, or per product path where the paths differ`}
              />
            ) : filtered ? (
              <Alert title="No API matches these filters." />
            ) : (
              <Alert title="This instance has no APIs." />
            )}
          </Section>
        </>
      )}
    </div>
  );
}
