import type { LiveProfile } from "@/lib/profiles/read-live-profile";
import { BackendAuthSummary, CallerAuthSummary } from "./profile-summary";

/**
 * What the API's live APIM policy already does, read as a profile: the parts that could be
 * read, why the others could not, and the statements a profile would leave as they are.
 */
export function LiveProfileView({ live }: { live: LiveProfile }) {
  if (!live.ok) {
    return (
      <p className="text-sm">
        The live policy could not be read: {live.error.message}
        {live.error.line ? ` (line ${live.error.line}${live.error.column ? `, column ${live.error.column}` : ""})` : ""}
        .
      </p>
    );
  }
  const { reading } = live;
  if (!live.hasPolicy)
    return (
      <p className="text-sm">
        This API has no policy of its own in APIM: nothing validates callers and nothing authenticates to the backend.
      </p>
    );
  const undetermined = (path: "backendAuth" | "callerAuth") =>
    reading.undetermined.find((field) => field.path === path);
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        {reading.source === "managed-block"
          ? "The policy holds a block written by Portcullis; it reads as follows."
          : "Read from the statements someone wrote into the policy by hand."}
      </p>
      <div className="grid gap-6 md:grid-cols-2">
        <section aria-label="Live backend authentication">
          <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Backend authentication</h4>
          {reading.backendAuth ? (
            <BackendAuthSummary backend={reading.backendAuth} />
          ) : (
            <Undetermined reason={undetermined("backendAuth")?.reason} />
          )}
        </section>
        <section aria-label="Live caller authentication">
          <h4 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Caller authentication</h4>
          {reading.callerAuth ? (
            <CallerAuthSummary caller={reading.callerAuth} />
          ) : (
            <Undetermined reason={undetermined("callerAuth")?.reason} />
          )}
        </section>
      </div>
      {reading.unmanaged.length > 0 ? (
        <div>
          <h4 className="text-sm font-semibold">Statements a profile would not manage</h4>
          <p className="text-xs text-slate-600">
            They stay in the policy as they are; remove them by hand in APIM if the profile replaces them.
          </p>
          <ul className="mt-2 space-y-1 text-sm">
            {reading.unmanaged.map((statement) => (
              <li key={`${statement.line}:${statement.column}`}>
                <code className="rounded bg-slate-100 px-1 font-mono text-xs">{`<${statement.element}>`}</code> in{" "}
                {statement.section}, line {statement.line}: {statement.reason}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}

function Undetermined({ reason }: { reason?: string }) {
  return <p className="mt-2 text-sm text-amber-900">Could not be read{reason ? `: ${reason}` : ""}.</p>;
}
