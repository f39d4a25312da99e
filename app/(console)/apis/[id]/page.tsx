import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { ApiFacts } from "@/components/apis/api-facts";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { ButtonForm } from "@/components/forms/button-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { ProfileSummary } from "@/components/profiles/profile-summary";
import { VersionHistory } from "@/components/profiles/version-history";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonStyles } from "@/components/ui/button-styles";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { VerificationPanel } from "@/components/verification/verification-panel";
import { PromoteForm } from "@/components/environments/promote-form";
import { TemplateFollowing } from "@/components/templates/template-following";
import { listInstances } from "@/lib/instances/list-instances";
import { getApi } from "@/lib/apis/get-api";
import { guardPage } from "@/lib/auth/console-guard";
import { getAccessProfile } from "@/lib/profiles/get-access-profile";
import { listProfileVersions } from "@/lib/profiles/list-profile-versions";
import { listTemplates } from "@/lib/templates/list-templates";
import { getLatestVerification } from "@/lib/verification/list-verifications";
import { probeClientId } from "@/lib/verification/probe-tokens";
import { orNotFound, orNull, orStalePage } from "../../lookup";
import { createPlanAction } from "../../plans/actions";
import { followTemplateAction, unfollowTemplateAction } from "../../templates/actions";
import { promoteAction, verifyApiAction } from "./actions";
import { DriftSection } from "./drift-section";
import { EffectiveAccessSection } from "./effective-access-section";
import { LiveProfileSection } from "./live-profile-section";

export const metadata: Metadata = { title: "API" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

const VERSIONS_PER_PAGE = 10;

export default async function ApiPage({ params, searchParams }: Props) {
  const ctx = await guardPage("/apis/[id]");
  const { id } = await params;
  const query = await searchParams;
  const versionsCursor = typeof query.versions === "string" ? query.versions : undefined;
  const api = await orNotFound(getApi(ctx, { apiId: id }));
  const [current, versions, verification, instances] = await Promise.all([
    orNull(getAccessProfile(ctx, { apiId: id })),
    orStalePage(listProfileVersions(ctx, { apiId: id, limit: VERSIONS_PER_PAGE, cursor: versionsCursor })),
    orNull(getLatestVerification(ctx, { apiId: id })),
    listInstances(ctx, { limit: 200 }),
  ]);
  const promotionTargets = instances.items.filter((instance) => instance.id !== api.instanceId);
  // The version below the last row shown, to say what that row changed.
  const older = versions.nextCursor
    ? ((await listProfileVersions(ctx, { apiId: id, limit: 1, cursor: versions.nextCursor })).items[0] ?? null)
    : null;
  const canWrite = ctx.permissions.has("config.write");
  // Offered to admins when the API follows none.
  const templates = canWrite && !api.template ? await listTemplates(ctx) : [];
  const saved = typeof query.saved === "string" ? query.saved : null;

  return (
    <div className="space-y-8">
      <Breadcrumb trail={[{ href: "/apis", label: "APIs" }]} current={api.displayName} />
      <div className="space-y-3">
        <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold">
          {api.displayName} {api.gone ? <Badge tone="warning">gone from APIM</Badge> : null}
        </h1>
        <ApiFacts api={api} />
      </div>

      {saved ? (
        <Alert tone="success" title={`Saved version ${saved}.`}>
          Nothing has changed in APIM yet: plan the changes to see exactly what applying them would do.
        </Alert>
      ) : null}
      {api.gone ? (
        <Alert tone="warning" title="The last sync no longer found this API in APIM.">
          Its history is kept here, but nothing can be planned or applied. Sync the instance if the API is back.
        </Alert>
      ) : null}

      <Section
        id="profile"
        title="Access profile"
        card
        subtitle={
          current ? (
            <p className="text-sm text-slate-600">
              Version {current.version}, saved by {current.createdBy}, <DateTime value={current.createdAt} />
              {current.adoptsHandWritten
                ? ". It takes over the hand-written policy: while APIM's policy has no Portcullis block, a plan removes the statements it was read from."
                : null}
            </p>
          ) : (
            <p className="text-sm text-slate-600">
              No access profile yet: Portcullis does not manage this API&apos;s authentication.
            </p>
          )
        }
        aside={
          canWrite ? (
            <div className="flex flex-wrap gap-2">
              {current ? (
                <>
                  <Link href={`/apis/${api.id}/edit`} className={buttonStyles.secondary}>
                    Edit access profile
                  </Link>
                  {api.gone ? null : (
                    <ButtonForm
                      action={createPlanAction}
                      fields={{ apiId: api.id, purpose: "profile" }}
                      tone="primary"
                      busyText="Reading APIM…"
                      errorTitle="No plan was made"
                    >
                      Plan changes
                    </ButtonForm>
                  )}
                </>
              ) : (
                <>
                  <Link href={`/apis/${api.id}/edit?from=live`} className={buttonStyles.primary}>
                    Start from the live policy
                  </Link>
                  <Link href={`/apis/${api.id}/edit`} className={buttonStyles.secondary}>
                    Start from scratch
                  </Link>
                </>
              )}
            </div>
          ) : undefined
        }
      >
        {current ? (
          <>
            <ProfileSummary profile={current.profile} probeClientId={probeClientId()} />
            {current.written ? (
              <p className="text-sm text-slate-600">
                Written with variables, resolved with the values of environment{" "}
                {instances.items.find((instance) => instance.id === api.instanceId)?.environment ?? "(not set)"}.
              </p>
            ) : null}
            {canWrite && promotionTargets.length > 0 ? (
              <div className="mt-4 border-t border-slate-200 pt-4">
                <PromoteForm apiId={api.id} targets={promotionTargets} action={promoteAction} />
                <p className="mt-3 text-sm">
                  <Link className="underline" href="/change-sets/new?change=promote">
                    Promote several APIs at once
                  </Link>{" "}
                  as one change set.
                </p>
              </div>
            ) : null}
          </>
        ) : (
          <div className="space-y-2">
            <h3 className="font-semibold">What the live APIM policy does today</h3>
            <Suspense
              fallback={
                <p className="text-sm text-slate-600" role="status">
                  Reading the live policy from APIM…
                </p>
              }
            >
              <LiveProfileSection ctx={ctx} apiId={api.id} />
            </Suspense>
          </div>
        )}
        {api.template || templates.length > 0 ? (
          <div className="mt-4 border-t border-slate-200 pt-4">
            <TemplateFollowing
              apiId={api.id}
              following={api.template}
              origin={current?.template ?? null}
              templates={templates}
              canWrite={canWrite}
              follow={followTemplateAction}
              unfollow={unfollowTemplateAction}
            />
          </div>
        ) : null}
      </Section>

      <Section id="deployment" title="In APIM" card>
        {api.lastDeployment ? (
          <>
            <p className="flex flex-wrap items-center gap-2 text-sm">
              Last deployment: <DeploymentStatusBadge status={api.lastDeployment.status} /> started{" "}
              <DateTime value={api.lastDeployment.startedAt} />
              <Link href={`/deployments/${api.lastDeployment.id}`} className="font-semibold text-blue-700 underline">
                See its steps
              </Link>
            </p>
            {api.gone ? null : (
              <Suspense
                fallback={
                  <p className="text-sm text-slate-600" role="status">
                    Comparing APIM with what was last applied…
                  </p>
                }
              >
                <DriftSection ctx={ctx} apiId={api.id} />
              </Suspense>
            )}
          </>
        ) : (
          <p className="text-sm text-slate-600">Nothing has been applied to this API from Portcullis yet.</p>
        )}
      </Section>

      <Section id="verification" title="Access at the gateway" card>
        <VerificationPanel verification={verification} />
        {canWrite && !api.gone ? (
          <ButtonForm
            action={verifyApiAction}
            fields={{ apiId: api.id }}
            tone="primary"
            busyText="Sending probes through the gateway…"
            errorTitle="The API was not verified"
          >
            Verify access
          </ButtonForm>
        ) : null}
      </Section>

      {api.gone ? null : (
        <Section
          id="effective-access"
          title="Effective access"
          card
          subtitle={
            <p className="text-sm text-slate-600">
              What APIM really decides for this API, across the global, product, API and operation policies — not only
              what the access profile says.
            </p>
          }
        >
          <Suspense
            fallback={
              <p className="text-sm text-slate-600" role="status">
                Reading every policy scope of this API from APIM…
              </p>
            }
          >
            <EffectiveAccessSection ctx={ctx} apiId={api.id} />
          </Suspense>
        </Section>
      )}

      <Section id="history" title="Version history">
        {versions.items.length === 0 ? (
          <p className="text-sm text-slate-600">
            {versions.stale ? "That link to older versions is no longer valid." : "No versions saved yet."}
          </p>
        ) : (
          <VersionHistory versions={versions.items} older={older} />
        )}
        <div className="flex gap-3">
          {versionsCursor ? (
            <Link href={`/apis/${api.id}`} className={buttonStyles.secondary}>
              Newest versions
            </Link>
          ) : null}
          {versions.nextCursor ? (
            <Link
              href={`/apis/${api.id}?versions=${encodeURIComponent(versions.nextCursor)}`}
              className={buttonStyles.secondary}
            >
              Older versions
            </Link>
          ) : null}
        </div>
      </Section>
    </div>
  );
}
