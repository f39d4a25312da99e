import { FieldChangeTable } from "@/components/diff/field-change-table";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { fieldChanges } from "@/lib/deployments/diff/field-changes";
import type { AccessProfileView } from "@/lib/profiles/get-access-profile";
import { ProfileSummary } from "./profile-summary";

/**
 * Saved versions, newest first, each with what it changed from the one before. `older` is the
 * version just below the last one shown (if any), so the last row's changes are right too.
 */
export function VersionHistory({
  versions,
  older,
}: {
  versions: AccessProfileView[];
  older: AccessProfileView | null;
}) {
  return (
    <ol className="space-y-3">
      {versions.map((version, index) => {
        const previous = versions[index + 1] ?? older;
        const changes = previous ? fieldChanges(previous.profile, version.profile) : [];
        return (
          <li key={version.version}>
            <Section card padding="compact">
              <p className="text-sm">
                <span className="font-semibold">Version {version.version}</span> saved by {version.createdBy},{" "}
                <DateTime value={version.createdAt} />
                {version.adoptsHandWritten ? ", taking over the hand-written policy" : null}
                {version.template
                  ? `, from profile template ${version.template.name} v${version.template.version}`
                  : null}
              </p>
              {previous ? (
                changes.length === 0 ? (
                  <p className="mt-1 text-sm text-slate-600">Same as version {previous.version}.</p>
                ) : (
                  <FieldChangeTable
                    changes={changes}
                    caption={`Changes from version ${previous.version} to version ${version.version}`}
                    beforeLabel={`Version ${previous.version}`}
                    afterLabel={`Version ${version.version}`}
                  />
                )
              ) : version.version === 1 ? (
                <p className="mt-1 text-sm text-slate-600">The first version.</p>
              ) : null}
              <details className="mt-2 text-sm">
                <summary className="cursor-pointer text-blue-700">Show version {version.version}</summary>
                <div className="mt-3">
                  <ProfileSummary profile={version.profile} />
                </div>
              </details>
            </Section>
          </li>
        );
      })}
    </ol>
  );
}
