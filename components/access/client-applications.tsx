import type { EffectiveAccessView } from "@/lib/access/schemas";
import { DIRECTORY_NOTES, DirectoryProblem } from "./directory-note";

/** Client application ids with the name the directory gives them, where it knows one, and where names come from. */
export function ClientApplications({
  access,
  title,
}: {
  access: Pick<EffectiveAccessView, "clientApplications" | "directory" | "directoryProblem">;
  title: string;
}) {
  if (access.clientApplications.length === 0) return null;
  return (
    <div className="space-y-2 text-sm" data-testid="client-applications">
      <p className="font-semibold">{title}</p>
      <ul className="list-disc pl-5">
        {access.clientApplications.map((client) => (
          <li key={client.appId}>
            {client.displayName ?? "(name unknown)"} <code className="font-mono text-xs">{client.appId}</code>
          </li>
        ))}
      </ul>
      <p className="text-xs text-slate-600">{DIRECTORY_NOTES[access.directory]}</p>
      {access.directoryProblem ? <DirectoryProblem problem={access.directoryProblem} /> : null}
    </div>
  );
}
