import type { Metadata } from "next";
import { ArmProblem } from "@/components/arm/arm-problem";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { AccessProfileEditor } from "@/components/profiles/editor/access-profile-editor";
import { PROFILE_HINTS } from "@/components/profiles/editor/profile-hints";
import { Alert } from "@/components/ui/alert";
import { getApi } from "@/lib/apis/get-api";
import { guardPage } from "@/lib/auth/console-guard";
import { getInstance } from "@/lib/instances/get-instance";
import { getAccessProfile } from "@/lib/profiles/get-access-profile";
import { readLiveProfile } from "@/lib/profiles/read-live-profile";
import { probeClientId } from "@/lib/verification/probe-tokens";
import { orArmFailure, orNotFound, orNull } from "../../../lookup";
import { previewPolicyAction, saveProfileAction } from "../actions";

export const metadata: Metadata = { title: "Edit access profile" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function EditAccessProfilePage({ params, searchParams }: Props) {
  const ctx = await guardPage("/apis/[id]/edit");
  const { id } = await params;
  const api = await orNotFound(getApi(ctx, { apiId: id }));
  const current = await orNull(getAccessProfile(ctx, { apiId: id }));
  // Whose values the preview resolves a profile's variables with.
  const environment = current?.written ? (await getInstance(ctx, { instanceId: api.instanceId })).environment : null;
  // Adopting: the first version starts from what the live policy already does.
  const live =
    !current && (await searchParams).from === "live" ? await orArmFailure(readLiveProfile(ctx, { apiId: id })) : null;
  const adopted = live?.ok && live.value.ok ? live.value.reading : null;
  // Taking over means something only when the reading was built from hand-written statements.
  // A version that takes over offers it again until a deployment succeeds (from then on the
  // policy has the block and nothing is left to take over), so a fix saved before the apply keeps it.
  const stillAdopting = current?.adoptsHandWritten === true && api.lastDeployment?.status !== "succeeded";
  const offerAdopt =
    stillAdopting ||
    (adopted?.source === "adopted" && [adopted.callerAuth, adopted.backendAuth].some((part) => part?.mode !== "none"));

  return (
    <div className="space-y-6">
      <Breadcrumb
        trail={[
          { href: "/apis", label: "APIs" },
          { href: `/apis/${api.id}`, label: api.displayName },
        ]}
        current="Edit access profile"
      />
      <div>
        <h1 className="text-2xl font-semibold">Edit the access profile of {api.displayName}</h1>
        <p className="text-sm text-slate-600">
          {current
            ? `You are editing version ${current.version}; saving creates version ${current.version + 1}.`
            : adopted
              ? "This first version starts from what the live APIM policy already does. Check every field before saving."
              : "This API has no access profile yet; saving creates version 1."}
        </p>
      </div>
      {live && !live.ok ? (
        <ArmProblem
          title="The live policy could not be read from APIM, so the editor starts from nothing."
          error={live.error}
        />
      ) : null}
      {live?.ok && !live.value.ok ? (
        <Alert
          tone="warning"
          title={`The live policy could not be read (${live.value.error.message}), so the editor starts from nothing.`}
        />
      ) : null}
      {adopted && adopted.undetermined.length > 0 ? (
        <Alert tone="warning" title="Some of the live policy could not be read into the profile.">
          <ul className="list-disc pl-5">
            {adopted.undetermined.map((field) => (
              <li key={field.path}>
                {field.path}: {field.reason}
              </li>
            ))}
          </ul>
          Those parts start from defaults here.
        </Alert>
      ) : null}
      {current?.written ? (
        <Alert title="This version is written with ${name} variables.">
          The editor keeps them as written, and saving keeps them. The preview shows the policy with their values in
          environment {environment ?? "(not set)"}.
        </Alert>
      ) : null}
      {api.gone ? (
        <Alert tone="warning" title="APIM no longer has this API (as of the last sync).">
          A profile can still be saved, but it cannot be applied.
        </Alert>
      ) : null}
      <AccessProfileEditor
        fields={{ apiId: api.id, ifMatch: current?.etag ?? "" }}
        cancelHref={`/apis/${api.id}`}
        reloadHref={`/apis/${api.id}/edit`}
        submit={{
          label: "Save new version",
          busyText: "Saving…",
          note: "Saving changes nothing in APIM: plan and apply afterwards.",
        }}
        initial={
          current?.written ??
          current?.profile ??
          (adopted ? { backendAuth: adopted.backendAuth, callerAuth: adopted.callerAuth } : null)
        }
        offerAdopt={offerAdopt}
        action={saveProfileAction}
        preview={previewPolicyAction.bind(null, api.id)}
        hints={PROFILE_HINTS}
        probeClientId={probeClientId()}
      />
    </div>
  );
}
