import { DateTime } from "@/components/ui/date-time";
import type { AccessProfileView } from "@/lib/profiles/get-access-profile";
import { profileChanges } from "./profile-changes";
import { ProfileSummary } from "./profile-summary";

/**
 * Saved versions, newest first, each with what it changed from the one before. `older` is the
 * version just below the last one shown (if any), so the last row's changes are right too.
 */
export function VersionHistory({ versions, older }: { versions: AccessProfileView[]; older: AccessProfileView | null }) {
  return (
    <ol className="space-y-3">
      {versions.map((version, index) => {
        const previous = versions[index + 1] ?? older;
        const changes = profileChanges(previous?.profile ?? null, version.profile);
        return (
          <li key={version.version} className="rounded-md border border-slate-200 bg-white p-4">
            <p className="text-sm">
              <span className="font-semibold">Version {version.version}</span> saved by {version.createdBy}, <DateTime value={version.createdAt} />
            </p>
            {previous ? (
              changes.length === 0 ? (
                <p className="mt-1 text-sm text-slate-600">Same as version {previous.version}.</p>
              ) : (
                <table className="mt-2 w-full text-left text-xs">
                  <caption className="sr-only">Changes from version {previous.version} to version {version.version}</caption>
                  <thead className="text-slate-600">
                    <tr>
                      <th scope="col" className="py-1 pr-3 font-semibold">Field</th>
                      <th scope="col" className="py-1 pr-3 font-semibold">Version {previous.version}</th>
                      <th scope="col" className="py-1 font-semibold">Version {version.version}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {changes.map((change) => (
                      <tr key={change.path} className="border-t border-slate-100 align-top">
                        <th scope="row" className="py-1 pr-3 font-mono font-normal">{change.path}</th>
                        <td className="break-all py-1 pr-3 font-mono text-red-800">{change.before ?? <span className="text-slate-400">(not set)</span>}</td>
                        <td className="break-all py-1 font-mono text-green-800">{change.after ?? <span className="text-slate-400">(not set)</span>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
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
          </li>
        );
      })}
    </ol>
  );
}
