import type { Metadata } from "next";
import Link from "next/link";
import { ButtonForm } from "@/components/forms/button-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { AccessProfileEditor } from "@/components/profiles/editor/access-profile-editor";
import { PROFILE_HINTS } from "@/components/profiles/editor/profile-hints";
import { ProfileSummary } from "@/components/profiles/profile-summary";
import { Alert } from "@/components/ui/alert";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { profileEtag } from "@/lib/profiles/profile-etag";
import { MAX_CHANGE_SET_APIS } from "@/lib/change-sets/schemas";
import { getTemplate } from "@/lib/templates/get-template";
import { probeClientId } from "@/lib/verification/probe-tokens";
import { orNotFound } from "../../lookup";
import { deleteTemplateAction, previewTemplatePolicyAction, publishTemplateVersionAction } from "../actions";

export const metadata: Metadata = { title: "Profile template" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** A template: its followers, every version, and (for admins) publishing the next one or deleting it. */
export default async function TemplatePage({ params, searchParams }: Props) {
  const ctx = await guardPage("/templates/[id]");
  const { id } = await params;
  const query = await searchParams;
  const template = await orNotFound(getTemplate(ctx, { templateId: id }));
  const latest = template.versions[0]!;
  const canWrite = ctx.permissions.has("config.write");
  const published = typeof query.published === "string" ? query.published : null;
  // One id per change set the version made (more than one past MAX_CHANGE_SET_APIS followers).
  const changeSets = [query.changeSet ?? []].flat().filter((setId) => /^[0-9a-f-]{36}$/.test(setId));

  return (
    <div className="space-y-8">
      <Breadcrumb trail={[{ href: "/templates", label: "Profile templates" }]} current={template.name} />
      <div className="space-y-1">
        <h1 className="text-2xl font-semibold">Profile template {template.name}</h1>
        {template.description ? <p className="text-sm text-slate-700">{template.description}</p> : null}
        <p className="text-sm text-slate-600">
          Version {template.latestVersion}, created by {template.createdBy} <DateTime value={template.createdAt} />.
        </p>
      </div>

      {published ? (
        <Alert tone="success" title={`Published version ${published}.`}>
          {changeSets.length === 1 ? (
            <>
              Its followers get it through a change set, reviewed, approved and applied as any:{" "}
              <Link href={`/change-sets/${changeSets[0]}`} className="font-semibold underline">
                Review the change set
              </Link>
              .
            </>
          ) : changeSets.length > 1 ? (
            <>
              Its followers get it through {changeSets.length} change sets of at most {MAX_CHANGE_SET_APIS} APIs each,
              each reviewed, approved and applied as any:
              <ul className="mt-1 list-disc pl-5">
                {changeSets.map((setId, index) => (
                  <li key={setId}>
                    <Link href={`/change-sets/${setId}`} className="font-semibold underline">
                      Review change set {index + 1} of {changeSets.length}
                    </Link>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            "No API follows this template, so nothing else changed."
          )}
        </Alert>
      ) : null}

      <Section
        id="followers"
        title="Followers"
        card
        padding={template.followerApis.length > 0 ? "flush" : "normal"}
        subtitle={
          <p className="text-sm text-slate-600">
            APIs whose profile follows this template: each new version comes to them as one change set.
          </p>
        }
      >
        {template.followerApis.length === 0 ? (
          <p className="text-sm text-slate-600">
            No API follows it. Make one follow it from the API&apos;s page (Access profile).
          </p>
        ) : (
          <DataTable caption="APIs following this template" columns={["API", "Instance", "Its profile"]}>
            {template.followerApis.map((api) => (
              <tr key={api.apiId} className="border-t border-slate-100">
                <th scope="row" className="px-3 py-2 font-medium">
                  <Link href={`/apis/${api.apiId}`} className="text-blue-700 underline">
                    {api.apiName}
                  </Link>
                </th>
                <td className="px-3 py-2">{api.instanceName}</td>
                <td className="px-3 py-2">
                  {api.templateVersion === null
                    ? "Changed since it was saved from the template: the next version replaces it"
                    : `From version ${api.templateVersion}`}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Section>

      {canWrite ? (
        <Section
          id="publish"
          title={`Publish version ${template.latestVersion + 1}`}
          subtitle={
            <p className="text-sm text-slate-600">
              Starts from version {template.latestVersion}. Published versions never change; values may be{" "}
              <code>{"${name}"}</code> variables, resolved with each follower&apos;s environment.
            </p>
          }
        >
          <AccessProfileEditor
            fields={{ templateId: template.id, ifMatch: profileEtag(template.latestVersion) }}
            cancelHref={`/templates/${template.id}`}
            reloadHref={`/templates/${template.id}`}
            submit={{
              label: `Publish version ${template.latestVersion + 1}`,
              busyText: "Publishing and planning the followers…",
              note:
                template.followerApis.length > 0
                  ? `Makes one change set for its ${template.followerApis.length} follower${template.followerApis.length === 1 ? "" : "s"}; nothing changes in APIM until it is applied.`
                  : "No API follows it: publishing changes no API.",
            }}
            initial={latest.profile}
            offerAdopt={false}
            action={publishTemplateVersionAction}
            preview={previewTemplatePolicyAction}
            hints={PROFILE_HINTS}
            probeClientId={probeClientId()}
          />
        </Section>
      ) : null}

      <Section id="versions" title="Versions">
        {template.versions.map((version) => (
          <Section
            key={version.version}
            as="article"
            id={`version-${version.version}`}
            title={`Version ${version.version}`}
            card
            subtitle={
              <p className="text-sm text-slate-600">
                Published by {version.createdBy} <DateTime value={version.createdAt} />
              </p>
            }
          >
            <ProfileSummary profile={version.profile} probeClientId={probeClientId()} />
          </Section>
        ))}
      </Section>

      {canWrite ? (
        <Section id="delete" title="Delete this template">
          {template.followerApis.length > 0 ? (
            <p className="text-sm text-slate-600">
              It cannot be deleted while APIs follow it: make each stop following it first.
            </p>
          ) : (
            <ButtonForm
              action={deleteTemplateAction}
              fields={{ templateId: template.id }}
              busyText="Deleting…"
              errorTitle="The template was not deleted"
            >
              Delete template
            </ButtonForm>
          )}
        </Section>
      ) : null}
    </div>
  );
}
