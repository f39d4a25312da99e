import Link from "next/link";
import { ButtonForm } from "@/components/forms/button-form";
import type { FormAction } from "@/components/forms/form-state";
import type { TemplateOrigin } from "@/lib/profiles/schemas";
import { FollowTemplateForm } from "./follow-template-form";

/**
 * The profile template an API follows ("Follows template X v3", and whether its profile was
 * changed since), with Stop following; or, for an admin, the form to follow one.
 */
export function TemplateFollowing({
  apiId,
  following,
  origin,
  templates,
  canWrite,
  follow,
  unfollow,
}: {
  apiId: string;
  following: { id: string; name: string } | null;
  /** The template version the current profile version was saved from. */
  origin: TemplateOrigin | null;
  /** Templates to offer (for admins, when it follows none). */
  templates: Array<{ id: string; name: string; latestVersion: number }>;
  canWrite: boolean;
  follow: FormAction<null>;
  unfollow: FormAction<string>;
}) {
  if (following) {
    const version = origin?.id === following.id ? origin.version : null;
    return (
      <div className="space-y-2">
        <p className="text-sm">
          Follows template{" "}
          <Link href={`/templates/${following.id}`} className="font-semibold text-blue-700 underline">
            {following.name}
          </Link>
          {version === null
            ? ": this profile was changed since it was saved from the template; the template's next version replaces it."
            : ` v${version}: its next versions come as change sets.`}
        </p>
        {canWrite ? (
          <ButtonForm
            action={unfollow}
            fields={{ apiId }}
            busyText="Stopping…"
            errorTitle="The API still follows the template"
          >
            Stop following
          </ButtonForm>
        ) : null}
      </div>
    );
  }
  if (!canWrite || templates.length === 0) return null;
  return <FollowTemplateForm apiId={apiId} templates={templates} action={follow} />;
}
